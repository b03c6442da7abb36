using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class MathTests
{
    [Fact]
    public void Arithmetic_broadcasts_and_mixes_scalars()
    {
        using var scope = DisposeScope.Enter();
        var a = F64([1, 2, 3, 4], 2, 2);
        var row = F64([10, 20], 1, 2);
        Near([11, 22, 13, 24], a + row);
        Near([-9, -18, -7, -16], a - row);
        Near([10, 40, 30, 80], a * row);
        Near([0.1, 0.1, 0.3, 0.2], a / row);
        Near([3, 4, 5, 6], a + 2);
        Near([1, 0, -1, -2], 2 - a);
        Near([2, 1, 2.0 / 3, 0.5], 2 / a);
        Near([0.5, 1, 1.5, 2], a * 0.5);
        Near([-1, -2, -3, -4], -a);
        Near([1, 4, 9, 16], a.Pow(2));
        Near([1, 4, 27, 256], a.Pow(a));
        Near([1, 0, 1, 0], a.Remainder(2));
        Near([0, 1, 1, 2], a.FloorDivide(2));
        Near([-1, -1], F64([-0.5, -1]).FloorDivide(1));
        Near([21, 42, 23, 44], a.Add(row, alpha: 2));
        Assert.Equal(DType.Float32, (F32([1, 2]) * 0.5).DType);
        Assert.Equal(DType.Float32, (I64([1, 2]) * 0.5).DType);
        Assert.Equal(DType.Int64, (I64([1, 2]) + 1).DType);       // an integral double acts as an integer scalar
        Assert.Equal(new long[] { 0, 2 }, I64([-1, 2]).ClampMin(0).ToArray<long>());
        Assert.Throws<TorchException>(() => F64([1, 2, 3]) + F64([1, 2]));
    }

    [Fact]
    public void Unary_functions_match_their_definitions()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([0.25, 1, 4]);
        Near([0.5, 1, 2], x.Sqrt());
        Near([2, 1, 0.5], x.Rsqrt());
        Near([Math.Exp(0.25), Math.E, Math.Exp(4)], x.Exp());
        Near([Math.Log(0.25), 0, Math.Log(4)], x.Log());
        Near([Math.Log(1.25), Math.Log(2), Math.Log(5)], x.Log1p());
        Near([-2, 0, 2], x.Log2());
        Near([4, 1, 0.25], x.Reciprocal());
        var y = F64([-1.5, 0, 2.5]);
        Near([1.5, 0, 2.5], y.Abs());
        Near([-1, 0, 1], y.Sign());
        Near([1 / (1 + Math.Exp(1.5)), 0.5, 1 / (1 + Math.Exp(-2.5))], y.Sigmoid());
        Near([Math.Tanh(-1.5), 0, Math.Tanh(2.5)], y.Tanh());
        Near([Math.Sin(-1.5), 0, Math.Sin(2.5)], y.Sin());
        Near([Math.Cos(-1.5), 1, Math.Cos(2.5)], y.Cos());
        Near([-2, 0, 2], y.Floor());
        Near([-1, 0, 3], y.Ceil());
        Near([-2, 0, 2], y.Round()); // round half to even
        Near([-1, 0, 2], y.Trunc());
        Near([Math.Atan2(1, 2)], F64([1]).Atan2(F64([2])));
        Near([-1, 0, 2], y.Clamp(-1, 2));
        Near([0, 0, 2.5], y.ClampMin(0));
        Near([-1.5, 0, 1], y.ClampMax(1));
        Near([-1.5, 0, 1], y.Minimum(F64([5, 5, 1])));
        Near([0, 0, 2.5], y.Maximum(F64([0, -1, 0])));
    }

    [Fact]
    public void Comparisons_and_logic_give_booleans()
    {
        using var scope = DisposeScope.Enter();
        var a = F64([1, 2, 3]);
        var b = F64([3, 2, 1]);
        Assert.Equal(new[] { false, true, false }, a.Eq(b).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, a.Ne(b).ToArray<bool>());
        Assert.Equal(new[] { true, false, false }, a.Lt(b).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, a.Le(b).ToArray<bool>());
        Assert.Equal(new[] { false, false, true }, a.Gt(2).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, a.Ge(2).ToArray<bool>());
        var p = a.Gt(1);
        var q = b.Gt(1);
        Assert.Equal(new[] { false, true, false }, (p & q).ToArray<bool>());
        Assert.Equal(new[] { true, true, true }, (p | q).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, (p ^ q).ToArray<bool>());
        Assert.Equal(new[] { true, false, false }, (!p).ToArray<bool>());
        var special = F64([double.NaN, double.PositiveInfinity, 1]);
        Assert.Equal(new[] { true, false, false }, special.IsNan().ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, special.IsInf().ToArray<bool>());
        Assert.Equal(new[] { false, false, true }, special.IsFinite().ToArray<bool>());
        Assert.True(a.AllClose(F64([1, 2, 3.0000001])));
        Assert.False(a.AllClose(b));
    }

    [Fact]
    public void In_place_ops_modify_the_tensor()
    {
        using var scope = DisposeScope.Enter();
        var t = F64([1, 2]);
        t.Add_(F64([1, 1])).Mul_(3).Sub_(1).Div_(F64([5, 8]));
        Near([1, 1], t);
        t.Fill_(4).Clamp_(max: 3);
        Near([3, 3], t);
        t.Zero_();
        Near([0, 0], t);
    }

    [Fact]
    public void Matmul_bmm_einsum_outer_cdist()
    {
        using var scope = DisposeScope.Enter();
        var a = F64([1, 2, 3, 4, 5, 6], 2, 3);
        var b = F64([1, 0, 0, 1, 1, 1], 3, 2);
        Near([4, 5, 10, 11], a.Matmul(b));
        Near([4, 5, 10, 11], a.Mm(b));
        Near([4, 5, 10, 11, 4, 5, 10, 11], Tensor.Stack([a, a]).Bmm(Tensor.Stack([b, b])));
        Near([4, 5, 10, 11], Tensor.Einsum("ij,jk->ik", a, b));
        Near([14, 77], Tensor.Einsum("ij,ij->i", a, a));
        Near([3, 4, 6, 8], F64([1, 2]).Outer(F64([3, 4])));
        // L1 distances between rows: (0,0)-(1,1) = 2, (0,0)-(3,0) = 3, (1,2)-(1,1) = 1, (1,2)-(3,0) = 4
        Near([2, 3, 1, 4], F64([0, 0, 1, 2], 2, 2).Cdist(F64([1, 1, 3, 0], 2, 2), 1));
        var e = Assert.Throws<TorchException>(() => a.Matmul(a));
        Assert.Contains("2x3", e.Message);
    }
}
