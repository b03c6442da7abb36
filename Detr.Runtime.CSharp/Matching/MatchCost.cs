using Detr.Runtime.Boxes;
using Detr.Torch;

namespace Detr.Runtime.Matching;

public enum ClassCost
{
    /// <summary>DETR: −softmax(logits)[class] over K = C + 1 logits (not 1 − p).</summary>
    Softmax,

    /// <summary>Deformable / Conditional DETR: α(1−p)^γ(−log(p+ε)) − (1−α)p^γ(−log(1−p+ε)), p = sigmoid.</summary>
    Focal,
}

/// <summary>
/// The weighted matching cost of DETR's HungarianMatcher. Focal α, γ and ε are hard-coded in the reference
/// matchers (0.25, 2, 1e-8: Deformable-DETR models/matcher.py), independent of the loss's α.
/// </summary>
public sealed record MatchCostConfig(ClassCost ClassCost, double ClassWeight, double L1Weight, double GiouWeight,
                                     double FocalAlpha = 0.25, double FocalGamma = 2.0)
{
    public static readonly MatchCostConfig Detr = new(ClassCost.Softmax, 1, 5, 2);

    public static readonly MatchCostConfig DeformableDetr = new(ClassCost.Focal, 2, 5, 2);
}

/// <summary>
/// The cost block [B, Q, T_max] for a whole batch in one pass on the predictions' device. The reference
/// computes [B·Q, ΣT] and keeps the diagonal blocks; the per-image blocks are the same numbers.
/// </summary>
public static class MatchCost
{
    /// <summary>Components, unweighted, each [B, Q, T_max]: class cost, L1 of cxcywh, −GIoU of xyxy.</summary>
    public static (Tensor Class, Tensor L1, Tensor Giou) Components(SetPrediction prediction, PaddedTargets targets, MatchCostConfig config)
    {
        using var grad = LibTorch.NoGrad();
        using var scope = DisposeScope.Enter();
        var (b, q) = (prediction.Batch, prediction.Queries);
        var index = targets.Labels.Unsqueeze(1).Expand(b, q, targets.MaxCount);       // [B, Q, T]
        Tensor classCost;
        if (config.ClassCost == ClassCost.Softmax)
        {
            var prob = Functional.Softmax(prediction.Logits, -1);                      // [B, Q, K]
            classCost = -prob.Gather(2, index);
        }
        else
        {
            const double eps = 1e-8;
            var (alpha, gamma) = (config.FocalAlpha, config.FocalGamma);
            var p = prediction.Logits.Sigmoid();                                        // [B, Q, C]
            var negative = (1 - alpha) * p.Pow(gamma) * -(1 - p + eps).Log();
            var positive = alpha * (1 - p).Pow(gamma) * -(p + eps).Log();
            classCost = positive.Gather(2, index) - negative.Gather(2, index);
        }
        var l1 = prediction.Boxes.Cdist(targets.Boxes, 1);                               // [B, Q, T]
        var giou = -BoxOps.GeneralizedIou(BoxOps.CxcywhToXyxy(prediction.Boxes), BoxOps.CxcywhToXyxy(targets.Boxes));
        return (scope.MoveOut(classCost), scope.MoveOut(l1), scope.MoveOut(giou));
    }

    /// <summary>w_l1·L1 + w_class·class + w_giou·(−GIoU), in the reference's order (float32).</summary>
    public static Tensor Compute(SetPrediction prediction, PaddedTargets targets, MatchCostConfig config)
    {
        using var grad = LibTorch.NoGrad();
        using var scope = DisposeScope.Enter();
        var (cls, l1, giou) = Components(prediction, targets, config);
        return scope.MoveOut(l1 * config.L1Weight + cls * config.ClassWeight + giou * config.GiouWeight);
    }
}
