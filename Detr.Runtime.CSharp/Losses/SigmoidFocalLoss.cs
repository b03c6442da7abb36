using Detr.Torch;

namespace Detr.Runtime.Losses;

/// <summary>
/// Focal loss (Lin et al., ICCV 2017, eq. 5) on sigmoid logits, as Deformable-DETR's
/// <c>sigmoid_focal_loss</c> (models/segmentation.py): per element α_t·BCE·(1 − p_t)^γ, then
/// <c>.mean(1).sum() / num_boxes</c>. A negative α disables the α weighting, as in the reference.
/// </summary>
public static class SigmoidFocalLoss
{
    /// <param name="logits">[B, Q, C]</param>
    /// <param name="targets">[B, Q, C] in [0, 1] (one-hot for detection)</param>
    public static Tensor Compute(Tensor logits, Tensor targets, double numBoxes, double alpha = 0.25, double gamma = 2)
    {
        using var scope = DisposeScope.Enter();
        return scope.MoveOut(Elementwise(logits, targets, alpha, gamma).Mean(1).Sum() / numBoxes);
    }

    /// <summary>The unreduced loss, same shape as <paramref name="logits"/> (mmdet's FocalLoss sums it with its own normaliser).</summary>
    public static Tensor Elementwise(Tensor logits, Tensor targets, double alpha = 0.25, double gamma = 2)
    {
        using var scope = DisposeScope.Enter();
        var prob = logits.Sigmoid();
        var ce = Functional.BinaryCrossEntropyWithLogits(logits, targets, reduction: Reduction.None);
        var pT = prob * targets + (1 - prob) * (1 - targets);
        var loss = ce * (1 - pT).Pow(gamma);
        if (alpha >= 0)
        {
            var alphaT = alpha * targets + (1 - alpha) * (1 - targets);
            loss = alphaT * loss;
        }
        return scope.MoveOut(loss);
    }
}
