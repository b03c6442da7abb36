using System.Runtime.CompilerServices;
using Detr.Torch;

namespace Detr.Torch.Tests;

/// <summary>Pooled tensor memory comes back only when libtorch frees the last reference, then is reused.</summary>
[Collection(LiveCountCollection.Name)]
public unsafe class TensorBuffersTests
{
    private static IntPtr Address(Tensor t) => (IntPtr)Unsafe.AsPointer(ref t.DataSpan<float>()[0]);

    [Fact]
    public void A_buffer_returns_after_its_last_view_is_freed_and_is_then_reused()
    {
        LiveCountCollection.SettleFinalizers();
        var outstanding = TensorBuffers.Outstanding;
        var first = TensorBuffers.Empty([4, 1000]);
        first.DataSpan<float>().Fill(3f);
        var address = Address(first);
        var view = first.Narrow(0, 1, 2);
        first.Dispose();
        Assert.Equal(outstanding + 1, TensorBuffers.Outstanding);        // the view still holds the storage
        Assert.Equal(3f, view.ToArray<float>()[0]);
        view.Dispose();
        Assert.Equal(outstanding, TensorBuffers.Outstanding);
        using var second = TensorBuffers.Empty([4, 1000]);
        Assert.Equal(address, Address(second));                            // the same memory, reused
        Assert.Equal(new long[] { 4, 1000 }, second.Shape);
    }

    [Fact]
    public void Pooled_tensors_work_in_ops_and_autograd_like_any_other()
    {
        using var scope = DisposeScope.Enter();
        var t = TensorBuffers.Empty([2, 3], DType.Float64);
        t.DataSpan<double>().Fill(2);
        t.RequiresGrad = true;
        var y = (t * t).Sum();
        y.Backward();
        Assert.Equal(new double[] { 4, 4, 4, 4, 4, 4 }, t.Grad!.ToArray<double>());
        Assert.Equal(DType.Float64, t.DType);
        Assert.Throws<ArgumentException>(() => TensorBuffers.Empty([2, -1]));
    }
}
