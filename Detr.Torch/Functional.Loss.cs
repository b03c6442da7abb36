using Detr.Torch.Interop;

namespace Detr.Torch;

public enum Reduction { None = 0, Mean = 1, Sum = 2 }

// Losses (native/dt_loss.cpp), with PyTorch's reductions.
public static unsafe partial class Functional
{
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
                                                      Reduction reduction = Reduction.Mean)
    {
        var r = Tensor.Wrap(NativeMethods.dt_bce_with_logits(logits.Handle, target.Handle, Tensor.Raw(weight), Tensor.Raw(posWeight), (int)reduction));
        GC.KeepAlive(weight); GC.KeepAlive(posWeight);
        return r;
    }

    /// <summary>
    /// Cross-entropy of logits [N, C] (or [N, C, d..]) against class indices [N] (or [N, d..]). With
    /// class weights, the mean is Σ w[yᵢ]·lᵢ / Σ w[yᵢ] — DETR's loss_ce relies on this (no-object weight 0.1).
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Tensor? classWeights = null, Reduction reduction = Reduction.Mean,
                                      long ignoreIndex = -100, double labelSmoothing = 0)
    {
        var r = Tensor.Wrap(NativeMethods.dt_cross_entropy(logits.Handle, target.Handle, Tensor.Raw(classWeights), (int)reduction, ignoreIndex, labelSmoothing));
        GC.KeepAlive(classWeights);
        return r;
    }

    public static Tensor L1Loss(Tensor x, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NativeMethods.dt_l1_loss(x.Handle, target.Handle, (int)reduction));

    public static Tensor MseLoss(Tensor x, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NativeMethods.dt_mse_loss(x.Handle, target.Handle, (int)reduction));

    public static Tensor SmoothL1Loss(Tensor x, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0) =>
        Tensor.Wrap(NativeMethods.dt_smooth_l1_loss(x.Handle, target.Handle, (int)reduction, beta));
}
