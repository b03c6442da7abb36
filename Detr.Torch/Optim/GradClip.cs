using Detr.Torch.Interop;

namespace Detr.Torch.Optim;

/// <summary>Gradient clipping by total norm, as <c>torch.nn.utils.clip_grad_norm_</c> (PyTorch 1.13).</summary>
public static unsafe class GradClip
{
    /// <summary>
    /// Scales every gradient by min(1, maxNorm / (total + 1e-6)), where total is the
    /// <paramref name="normType"/>-norm of all gradients together; returns total (before clipping).
    /// A non-positive <paramref name="maxNorm"/> only measures.
    /// </summary>
    public static double ClipGradNorm(IReadOnlyList<Tensor> parameters, double maxNorm, double normType = 2)
    {
        var p = Tensor.RawHandles(parameters);
        double total;
        fixed (IntPtr* pp = p) NativeMethods.Check(NativeMethods.dt_clip_grad_norm(pp, p.Length, maxNorm, normType, &total));
        GC.KeepAlive(parameters);
        return total;
    }

    /// <summary>The total gradient norm, without clipping.</summary>
    public static double GradNorm(IReadOnlyList<Tensor> parameters, double normType = 2) => ClipGradNorm(parameters, 0, normType);
}
