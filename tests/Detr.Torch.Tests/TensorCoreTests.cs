using Detr.Torch;

namespace Detr.Torch.Tests;

[Collection(LiveCountCollection.Name)]
public class TensorCoreTests
{
    [Fact]
    public void Data_round_trips_with_shape_and_dtype()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void Matmul_matches_hand_computed_values()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.From(new double[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.From(new double[] { 5, 6, 7, 8 }, 2, 2);
        Assert.Equal(new double[] { 19, 22, 43, 50 }, a.Matmul(b).ToArray<double>());
    }

    [Fact]
    public void Shape_mismatch_raises_a_TorchException_with_libtorchs_message_and_the_next_op_works()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4, 5]);
        var e = Assert.Throws<TorchException>(() => a.Matmul(b));
        Assert.Contains("2x3", e.Message);
        Assert.Contains("4x5", e.Message);
        Assert.DoesNotContain("Exception raised from", e.Message); // no C++ backtrace
        Assert.Equal(6.0, Tensor.Ones([2, 3]).Sum().Item());
    }

    [Fact]
    public void Wrong_element_type_on_copy_out_is_an_error_not_garbage()
    {
        using var t = Tensor.Zeros([3]);
        Assert.Throws<TorchException>(() => t.ToArray<double>());
    }

    [Fact]
    public void DisposeScope_frees_temporaries_and_keeps_what_is_moved_out()
    {
        LiveCountCollection.SettleFinalizers();
        var before = Tensor.LiveCount;
        Tensor kept;
        using (var scope = DisposeScope.Enter())
        {
            var a = Tensor.Ones([4]);
            var b = a + a;
            kept = scope.MoveOut(b + a);
            Assert.Equal(2, scope.Count); // a and b; the sum was moved out
        }
        Assert.Equal(before + 1, Tensor.LiveCount);
        Assert.Equal(new float[] { 3, 3, 3, 3 }, kept.ToArray<float>());
        kept.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Nested_scopes_hand_moved_tensors_to_the_outer_scope()
    {
        LiveCountCollection.SettleFinalizers();
        var before = Tensor.LiveCount;
        using (var outer = DisposeScope.Enter())
        {
            using (var inner = DisposeScope.Enter())
                inner.MoveOut(Tensor.Ones([2]));
            Assert.Equal(1, outer.Count);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Device_parses_cpu_and_cuda_indices()
    {
        Assert.Equal(Device.Cpu, Device.Parse("cpu"));
        Assert.Equal(Device.Cuda(1), Device.Parse("cuda:1"));
        Assert.Throws<FormatException>(() => Device.Parse("tpu"));
    }
}
