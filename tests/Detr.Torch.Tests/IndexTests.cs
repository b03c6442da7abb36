using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class IndexTests
{
    private static Tensor X() => F64([0, 1, 2, 3, 4, 5], 2, 3);

    [Fact]
    public void Index_select_gather_and_advanced_indexing()
    {
        using var scope = DisposeScope.Enter();
        var x = X();
        Near([2, 0, 5, 3], x.IndexSelect(1, I64([2, 0])));
        Near([1, 0, 5, 5], x.Gather(1, I64([1, 0, 2, 2], 2, 2)));
        Near([1, 5], x.Index(I64([0, 1]), I64([1, 2])));       // x[[0,1],[1,2]]
        Near([3, 4, 5], x.Index(I64([1])));                    // x[[1]]
        Near([2, 5], x.Index(null, I64([2])).Flatten());       // x[:, [2]]
        Near([1, 3, 5], x.Index(x.Remainder(2).Eq(1)));        // boolean mask
    }

    [Fact]
    public void Index_put_scatter_and_scatter_add()
    {
        using var scope = DisposeScope.Enter();
        var z = Tensor.Zeros([2, 3], DType.Float64);
        z.IndexPut_([I64([0, 1]), I64([2, 0])], F64([7, 8]));
        Near([0, 0, 7, 8, 0, 0], z);
        z.IndexPut_([I64([0, 0]), I64([2, 2])], F64([1, 1]), accumulate: true);
        Near([0, 0, 9, 8, 0, 0], z);
        var s = Tensor.Zeros([3], DType.Float64).Scatter(0, I64([2, 0]), F64([5, 6]));
        Near([6, 0, 5], s);
        Near([1, 0, 1], Tensor.Zeros([3], DType.Float64).Scatter(0, I64([0, 2]), 1.0));
        Near([3, 0, 3], Tensor.Zeros([3], DType.Float64).ScatterAdd(0, I64([0, 0, 2]), F64([1, 2, 3])));
    }

    [Fact]
    public void Masked_fill_select_where_nonzero()
    {
        using var scope = DisposeScope.Enter();
        var x = X();
        var mask = x.Gt(3);
        Near([0, 1, 2, 3, -1, -1], x.MaskedFill(mask, -1));
        Near([4, 5], x.MaskedSelect(mask));
        Near([0, 1, 2, 3, 0, 0], Tensor.Where(mask, Tensor.ZerosLike(x), x));
        Near([0, 1, 2, 3, 9, 9], Tensor.Where(mask, 9.0, x));
        Assert.Equal(new long[] { 1, 1, 1, 2 }, mask.Nonzero().ToArray<long>());
        var y = x.Clone();
        y.MaskedFill_(mask, 0);
        Near([0, 1, 2, 3, 0, 0], y);
    }

    [Fact]
    public void Topk_sort_argsort_argmax_unique()
    {
        using var scope = DisposeScope.Enter();
        var v = F64([3, 1, 4, 1, 5, 9, 2, 6]);
        var (values, indices) = v.TopK(3);
        Near([9, 6, 5], values);
        Assert.Equal(new long[] { 5, 7, 4 }, indices.ToArray<long>());
        var (smallest, _) = v.TopK(2, largest: false);
        Near([1, 1], smallest);
        var (sorted, order) = v.Sort(stable: true);
        Near([1, 1, 2, 3, 4, 5, 6, 9], sorted);
        Assert.Equal(new long[] { 1, 3, 6, 0, 2, 4, 7, 5 }, order.ToArray<long>());
        Assert.Equal(new long[] { 5, 7, 4, 2, 0, 6, 1, 3 }, v.Argsort(descending: true, stable: true).ToArray<long>());
        Assert.Equal(5L, v.Argmax().ItemInt64());
        Assert.Equal(1L, v.Argmin().ItemInt64());
        Assert.Equal(new long[] { 2, 2 }, X().Argmax(1).ToArray<long>());
        var (u, inverse, counts) = v.Unique(returnInverse: true, returnCounts: true);
        Near([1, 2, 3, 4, 5, 6, 9], u);
        Assert.Equal(new long[] { 2, 0, 3, 0, 4, 6, 1, 5 }, inverse!.ToArray<long>());
        Assert.Equal(new long[] { 2, 1, 1, 1, 1, 1, 1 }, counts!.ToArray<long>());
        Assert.Throws<TorchException>(() => v.TopK(9));
    }
}
