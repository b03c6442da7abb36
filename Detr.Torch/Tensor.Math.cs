using Detr.Torch.Interop;

namespace Detr.Torch;

// Elementwise arithmetic, reductions and linear algebra (native/dt_math.cpp).
public sealed partial class Tensor
{
    /// <summary>this + alpha * other, broadcasting.</summary>
    public Tensor Add(Tensor other, double alpha = 1) => Wrap(NativeMethods.dt_add(Handle, other.Handle, alpha));

    public Tensor Matmul(Tensor other) => Wrap(NativeMethods.dt_matmul(Handle, other.Handle));

    /// <summary>Sum of all elements (a 0-d tensor).</summary>
    public Tensor Sum() => Wrap(NativeMethods.dt_sum(Handle));

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
}
