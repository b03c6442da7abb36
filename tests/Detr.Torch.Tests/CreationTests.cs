using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

[Collection(GlobalRngCollection.Name)]
public class CreationTests
{
    [Fact]
    public void Constants_have_the_requested_shape_dtype_and_value()
    {
        using var scope = DisposeScope.Enter();
        Near([0, 0, 0, 0, 0, 0], Tensor.Zeros([2, 3]));
        Near([1, 1], Tensor.Ones([2], DType.Float64));
        Near([2.5, 2.5, 2.5], Tensor.Full([3], 2.5));
        Assert.Equal(DType.Int32, Tensor.Zeros([1], DType.Int32).DType);
        Assert.Equal(DType.Bool, Tensor.Ones([1], DType.Bool).DType);
        Assert.Equal(DType.BFloat16, Tensor.Ones([1], DType.BFloat16).DType);
        Assert.Equal(DType.Float16, Tensor.Ones([1], DType.Float16).DType);
        Assert.Equal(DType.UInt8, Tensor.Ones([1], DType.UInt8).DType);
        Near([1, 0, 0, 1], Tensor.Eye(2));
        Shape([2, 0], Tensor.Empty([2, 0]));
    }

    [Fact]
    public void Ranges_match_python_semantics()
    {
        using var scope = DisposeScope.Enter();
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, Tensor.Arange(5).ToArray<long>());
        Assert.Equal(new long[] { 2, 5, 8 }, Tensor.Arange(2, 10, 3).ToArray<long>());
        Near([0, 0.25, 0.5, 0.75, 1], Tensor.Linspace(0, 1, 5));
        Near([0.5, 1.5], Tensor.Arange(0.5, 2, 1, DType.Float32));
    }

    [Fact]
    public void Random_tensors_are_reproducible_with_a_seed_and_in_range()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(7);
        var a = Values(Tensor.Randn([100]));
        var r = Values(Tensor.Rand([1000]));
        var i = Tensor.Randint(3, 6, [1000]).ToArray<long>();
        LibTorch.ManualSeed(7);
        Assert.Equal(a, Values(Tensor.Randn([100])));
        Assert.All(r, x => Assert.InRange(x, 0, 1));
        Assert.All(i, x => Assert.InRange(x, 3, 5));
        Assert.Equal(new long[] { 3, 4, 5 }, i.Distinct().Order().ToArray());
        var perm = Tensor.Randperm(10).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 10).Select(x => (long)x), perm.Order());
    }

    [Fact]
    public void Like_creators_copy_shape_dtype_and_device()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.Zeros([2, 5], DType.Float64);
        var o = Tensor.OnesLike(t);
        Assert.Equal(t.Shape, o.Shape);
        Assert.Equal(DType.Float64, o.DType);
        Near(Enumerable.Repeat(3.0, 10).ToArray(), Tensor.FullLike(t, 3));
    }

    [Fact]
    public void Arrays_and_bytes_round_trip_for_every_dtype()
    {
        using var scope = DisposeScope.Enter();
        Assert.Equal(new[] { true, false, true }, Tensor.From(new[] { true, false, true }).ToArray<bool>());
        Assert.Equal(new byte[] { 1, 255 }, Tensor.From(new byte[] { 1, 255 }).ToArray<byte>());
        Assert.Equal(new long[] { long.MaxValue, -1 }, Tensor.From(new[] { long.MaxValue, -1 }).ToArray<long>());
        Assert.Equal(new[] { (Half)1.5, (Half)(-2) }, Tensor.From(new[] { (Half)1.5, (Half)(-2) }).ToArray<Half>());
        var bf = Tensor.FromBytes([0x80, 0x3f, 0x00, 0x40], DType.BFloat16, 2); // 1.0, 2.0 in bfloat16
        Near([1, 2], bf);
        Assert.Equal(new byte[] { 0x80, 0x3f, 0x00, 0x40 }, bf.ToBytes());
        Assert.Equal(3.0, Tensor.From(new[] { 3.0 }).Item());
        Assert.Equal(7L, Tensor.From(new[] { 7L }).ItemInt64());
    }

    [Fact]
    public void Data_of_the_wrong_size_is_rejected_with_a_message()
    {
        var e = Assert.Throws<TorchException>(() => Tensor.From(new float[5], 2, 3));
        Assert.Contains("20 bytes", e.Message);
    }
}
