using Detr.Torch.Interop;
using static Detr.Torch.Interop.NativeMethods;

namespace Detr.Torch;

// Elementwise arithmetic, comparisons, logical ops and linear algebra (native/dt_math.cpp).
// Tensor-scalar forms follow PyTorch's promotion: a double scalar keeps a float32 tensor float32.
public sealed partial class Tensor
{
    private Tensor Unary(UnaryOp op) => Wrap(dt_unary(Handle, op));

    private Tensor Binary(Tensor other, BinaryOp op) => Wrap(dt_binary(Handle, other.Handle, op));

    private Tensor Binary(double scalar, BinaryOp op) => Wrap(dt_binary_scalar(Handle, scalar, op));

    // ---- arithmetic --------------------------------------------------------------------------

    /// <summary>this + alpha * other, broadcasting.</summary>
    public Tensor Add(Tensor other, double alpha = 1) => Wrap(dt_add(Handle, other.Handle, alpha));

    public Tensor Add(double scalar) => Binary(scalar, BinaryOp.Add);

    public Tensor Sub(Tensor other) => Binary(other, BinaryOp.Sub);

    public Tensor Sub(double scalar) => Binary(scalar, BinaryOp.Sub);

    public Tensor Mul(Tensor other) => Binary(other, BinaryOp.Mul);

    public Tensor Mul(double scalar) => Binary(scalar, BinaryOp.Mul);

    public Tensor Div(Tensor other) => Binary(other, BinaryOp.Div);

    public Tensor Div(double scalar) => Binary(scalar, BinaryOp.Div);

    public Tensor Pow(double exponent) => Binary(exponent, BinaryOp.Pow);

    public Tensor Pow(Tensor exponent) => Binary(exponent, BinaryOp.Pow);

    /// <summary>A scalar raised to tensor powers, e.g. <c>Tensor.Pow(10000, exponents)</c> in sine embeddings.</summary>
    public static Tensor Pow(double @base, Tensor exponent) => Wrap(dt_scalar_pow(@base, exponent.Handle));

    public Tensor Remainder(double divisor) => Binary(divisor, BinaryOp.Remainder);

    /// <summary>Division rounded towards −∞ (Python's <c>//</c>).</summary>
    public Tensor FloorDivide(double divisor) => Binary(divisor, BinaryOp.FloorDivide);

    public Tensor FloorDivide(Tensor divisor) => Binary(divisor, BinaryOp.FloorDivide);

    public Tensor Atan2(Tensor other) => Binary(other, BinaryOp.Atan2);

    public Tensor Minimum(Tensor other) => Binary(other, BinaryOp.Minimum);

    public Tensor Maximum(Tensor other) => Binary(other, BinaryOp.Maximum);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator +(Tensor a, double b) => a.Add(b);
    public static Tensor operator +(double a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator -(Tensor a, double b) => a.Sub(b);
    public static Tensor operator -(double a, Tensor b) => b.Binary(a, BinaryOp.RSub);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator *(Tensor a, double b) => a.Mul(b);
    public static Tensor operator *(double a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator /(Tensor a, double b) => a.Div(b);
    public static Tensor operator /(double a, Tensor b) => b.Binary(a, BinaryOp.RDiv);
    public static Tensor operator -(Tensor a) => a.Neg();

    // ---- unary -------------------------------------------------------------------------------

    public Tensor Neg() => Unary(UnaryOp.Neg);
    public Tensor Abs() => Unary(UnaryOp.Abs);
    public Tensor Sign() => Unary(UnaryOp.Sign);
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);
    public Tensor Exp() => Unary(UnaryOp.Exp);
    public Tensor Expm1() => Unary(UnaryOp.Expm1);
    public Tensor Log() => Unary(UnaryOp.Log);
    public Tensor Log1p() => Unary(UnaryOp.Log1p);
    public Tensor Log2() => Unary(UnaryOp.Log2);
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor Tanh() => Unary(UnaryOp.Tanh);
    public Tensor Sin() => Unary(UnaryOp.Sin);
    public Tensor Cos() => Unary(UnaryOp.Cos);
    public Tensor Erf() => Unary(UnaryOp.Erf);
    public Tensor Square() => Unary(UnaryOp.Square);
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);
    public Tensor Floor() => Unary(UnaryOp.Floor);
    public Tensor Ceil() => Unary(UnaryOp.Ceil);
    public Tensor Round() => Unary(UnaryOp.Round);
    public Tensor Trunc() => Unary(UnaryOp.Trunc);
    public Tensor IsNan() => Unary(UnaryOp.IsNan);
    public Tensor IsInf() => Unary(UnaryOp.IsInf);
    public Tensor IsFinite() => Unary(UnaryOp.IsFinite);

    public Tensor Clamp(double? min = null, double? max = null) =>
        Wrap(dt_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0));

    public Tensor ClampMin(double min) => Clamp(min, null);

    public Tensor ClampMax(double max) => Clamp(null, max);

    // ---- comparisons and logic (bool results) ------------------------------------------------

    public Tensor Eq(Tensor other) => Binary(other, BinaryOp.Eq);
    public Tensor Eq(double other) => Binary(other, BinaryOp.Eq);
    public Tensor Ne(Tensor other) => Binary(other, BinaryOp.Ne);
    public Tensor Ne(double other) => Binary(other, BinaryOp.Ne);
    public Tensor Lt(Tensor other) => Binary(other, BinaryOp.Lt);
    public Tensor Lt(double other) => Binary(other, BinaryOp.Lt);
    public Tensor Le(Tensor other) => Binary(other, BinaryOp.Le);
    public Tensor Le(double other) => Binary(other, BinaryOp.Le);
    public Tensor Gt(Tensor other) => Binary(other, BinaryOp.Gt);
    public Tensor Gt(double other) => Binary(other, BinaryOp.Gt);
    public Tensor Ge(Tensor other) => Binary(other, BinaryOp.Ge);
    public Tensor Ge(double other) => Binary(other, BinaryOp.Ge);
    public Tensor LogicalAnd(Tensor other) => Binary(other, BinaryOp.LogicalAnd);
    public Tensor LogicalOr(Tensor other) => Binary(other, BinaryOp.LogicalOr);
    public Tensor LogicalXor(Tensor other) => Binary(other, BinaryOp.LogicalXor);
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);

    public static Tensor operator &(Tensor a, Tensor b) => a.LogicalAnd(b);
    public static Tensor operator |(Tensor a, Tensor b) => a.LogicalOr(b);
    public static Tensor operator ^(Tensor a, Tensor b) => a.LogicalXor(b);
    public static Tensor operator !(Tensor a) => a.LogicalNot();

    /// <summary>Same shape and every element within atol + rtol·|other|.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false) =>
        Check(dt_allclose(Handle, other.Handle, rtol, atol, equalNan ? 1 : 0)) == 1;

    // ---- in place ----------------------------------------------------------------------------

    public Tensor Add_(Tensor other, double alpha = 1) { Check(dt_binary_(Handle, other.Handle, BinaryOp.Add, alpha)); return this; }
    public Tensor Sub_(Tensor other, double alpha = 1) { Check(dt_binary_(Handle, other.Handle, BinaryOp.Sub, alpha)); return this; }
    public Tensor Mul_(Tensor other) { Check(dt_binary_(Handle, other.Handle, BinaryOp.Mul, 1)); return this; }
    public Tensor Div_(Tensor other) { Check(dt_binary_(Handle, other.Handle, BinaryOp.Div, 1)); return this; }
    public Tensor Add_(double scalar) { Check(dt_binary_scalar_(Handle, scalar, BinaryOp.Add)); return this; }
    public Tensor Sub_(double scalar) { Check(dt_binary_scalar_(Handle, scalar, BinaryOp.Sub)); return this; }
    public Tensor Mul_(double scalar) { Check(dt_binary_scalar_(Handle, scalar, BinaryOp.Mul)); return this; }
    public Tensor Div_(double scalar) { Check(dt_binary_scalar_(Handle, scalar, BinaryOp.Div)); return this; }
    public Tensor Fill_(double value) { Check(dt_fill_(Handle, value)); return this; }
    public Tensor Zero_() { Check(dt_zero_(Handle)); return this; }

    public Tensor Clamp_(double? min = null, double? max = null)
    {
        Check(dt_clamp_(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0));
        return this;
    }

    // ---- linear algebra ----------------------------------------------------------------------

    public Tensor Matmul(Tensor other) => Counted(Wrap(dt_matmul(Handle, other.Handle)));

    public Tensor Mm(Tensor other) => Counted(Wrap(dt_mm(Handle, other.Handle)));

    public Tensor Bmm(Tensor other) => Counted(Wrap(dt_bmm(Handle, other.Handle)));

    private Tensor Counted(Tensor product)
    {
        FlopCounter.Product(product, this);
        return product;
    }

    public Tensor Outer(Tensor other) => Wrap(dt_outer(Handle, other.Handle));

    /// <summary>Pairwise p-norm distances between rows: [.., P, M] × [.., R, M] → [.., P, R].</summary>
    public Tensor Cdist(Tensor other, double p = 2) => Wrap(dt_cdist(Handle, other.Handle, p));
}
