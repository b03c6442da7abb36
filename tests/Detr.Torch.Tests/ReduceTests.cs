using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class ReduceTests
{
    private static Tensor X() => F64([1, 2, 3, 4, 5, 6], 2, 3);

    [Fact]
    public void Sums_means_and_products_over_all_and_over_dims()
    {
        using var scope = DisposeScope.Enter();
        var x = X();
        Assert.Equal(21, x.Sum().Item());
        Near([5, 7, 9], x.Sum(0));
        Near([6, 15], x.Sum(1));
        Shape([2, 1], x.Sum(1, keepdim: true));
        Near([21], x.Sum([0, 1]).Reshape(1));
        Assert.Equal(3.5, x.Mean().Item());
        Near([2, 5], x.Mean(-1));
        Assert.Equal(720, x.Prod().Item());
        Near([6, 120], x.Prod(1));
        Assert.Equal(DType.Int64, I64([1, 2]).Sum().DType);
        Assert.Equal(DType.Float64, F32([1, 2]).Sum(0, dtype: DType.Float64).DType);
    }

    [Fact]
    public void Max_min_with_indices_and_amax()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([3, 9, 1, 7, 2, 8], 2, 3);
        Assert.Equal(9, x.Max().Item());
        Assert.Equal(1, x.Min().Item());
        var (values, indices) = x.Max(1);
        Near([9, 8], values);
        Assert.Equal(new long[] { 1, 2 }, indices.ToArray<long>());
        var (mins, at) = x.Min(0);
        Near([3, 2, 1], mins);
        Assert.Equal(new long[] { 0, 1, 0 }, at.ToArray<long>());
        Near([7, 9, 8], x.Amax([0]));
        Near([1, 2], x.Amin([1]));
    }

    [Fact]
    public void Cumsum_norms_std_var_all_any_logsumexp()
    {
        using var scope = DisposeScope.Enter();
        var x = X();
        Near([1, 3, 6, 4, 9, 15], x.Cumsum(1));
        Near([Math.Sqrt(91)], x.Norm().Reshape(1));
        Near([21], x.Norm(1).Reshape(1));
        Near([Math.Sqrt(14), Math.Sqrt(77)], x.Norm(2, [1]));
        Near([1, 1], x.Std([1]));                 // unbiased: values 1,2,3 -> 1
        Near([2.0 / 3, 2.0 / 3], x.Var([1], unbiased: false));
        Assert.True(x.Gt(0).All().ToArray<bool>()[0]);
        Assert.False(x.Gt(3).All().ToArray<bool>()[0]);
        Assert.Equal(new[] { false, true }, x.Gt(3).Any(1).ToArray<bool>());
        Near([Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3))], F64([1, 2, 3]).LogSumExp([0]).Reshape(1));
        Assert.Throws<TorchException>(() => x.Sum(5));
    }
}
