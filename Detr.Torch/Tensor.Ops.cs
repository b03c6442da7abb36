using Detr.Torch.Interop;

namespace Detr.Torch;

// Ops over lists of tensors (Tensor.Cat, Tensor.Stack, Tensor.Einsum), selection and creation "like" another tensor.
public sealed unsafe partial class Tensor
{
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        var raw = Tensor.RawHandles(tensors);
        fixed (IntPtr* p = raw)
        {
            var result = Tensor.Wrap(NativeMethods.dt_cat(p, raw.Length, dim));
            GC.KeepAlive(tensors);
            return result;
        }
    }

    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        var raw = Tensor.RawHandles(tensors);
        fixed (IntPtr* p = raw)
        {
            var result = Tensor.Wrap(NativeMethods.dt_stack(p, raw.Length, dim));
            GC.KeepAlive(tensors);
            return result;
        }
    }

    /// <summary>Elementwise <c>condition ? a : b</c>, broadcasting.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) =>
        Tensor.Wrap(NativeMethods.dt_where(condition.Handle, a.Handle, b.Handle));

    public static Tensor Where(Tensor condition, Tensor a, double b)
    {
        using var scalar = Scalar(b, a.DType, a.Device);
        return Where(condition, a, scalar);
    }

    public static Tensor Where(Tensor condition, double a, Tensor b)
    {
        using var scalar = Scalar(a, b.DType, b.Device);
        return Where(condition, scalar, b);
    }

    /// <summary>Einstein summation, e.g. <c>Einsum("bqc,bkc->bqk", q, k)</c>.</summary>
    public static Tensor Einsum(string equation, params Tensor[] tensors)
    {
        var raw = Tensor.RawHandles(tensors);
        fixed (IntPtr* p = raw)
        {
            var result = Tensor.Wrap(NativeMethods.dt_einsum(equation, p, raw.Length));
            GC.KeepAlive(tensors);
            return result;
        }
    }

    /// <summary>A 0-d tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device device = default) => Full([], value, dtype, device);

    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType, t.Device);

    public static Tensor OnesLike(Tensor t) => Ones(t.Shape, t.DType, t.Device);

    public static Tensor FullLike(Tensor t, double value) => Full(t.Shape, value, t.DType, t.Device);

    public static Tensor EmptyLike(Tensor t) => Empty(t.Shape, t.DType, t.Device);

    public static Tensor RandLike(Tensor t) => Rand(t.Shape, t.DType, t.Device);

    public static Tensor RandnLike(Tensor t) => Randn(t.Shape, t.DType, t.Device);

    /// <summary>A random permutation of 0..n−1 from the default generator.</summary>
    public static Tensor Randperm(long n, DType dtype = DType.Int64, Device device = default) =>
        Tensor.Wrap(NativeMethods.dt_randperm(n, (int)dtype, (int)device.Type, device.Index));

    /// <summary>Bernoulli(p) samples with the shape, dtype and device of <paramref name="like"/>.</summary>
    public static Tensor Bernoulli(Tensor like, double p) => Tensor.Wrap(NativeMethods.dt_bernoulli(like.Handle, p));
}
