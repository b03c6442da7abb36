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
    /// <summary>
    /// The class cost [B, Q, T_max], unweighted. The focal formula is elementwise in p, so it is evaluated
    /// on the gathered logits only ([B, Q, T] values instead of [B, Q, C]) — the same numbers.
    /// </summary>
    public static Tensor ClassCostOf(SetPrediction prediction, PaddedTargets targets, MatchCostConfig config)
    {
        using var grad = LibTorch.NoGrad();
        using var scope = DisposeScope.Enter();
        var (b, q) = (prediction.Batch, prediction.Queries);
        var index = targets.Labels.Unsqueeze(1).Expand(b, q, targets.MaxCount);       // [B, Q, T]
        if (config.ClassCost == ClassCost.Softmax)
            return scope.MoveOut(-Functional.Softmax(prediction.Logits, -1).Gather(2, index));
        const double eps = 1e-8;
        var (alpha, gamma) = (config.FocalAlpha, config.FocalGamma);
        var p = prediction.Logits.Gather(2, index).Sigmoid();                              // [B, Q, T]
        var negative = (1 - alpha) * p.Pow(gamma) * -(1 - p + eps).Log();
        var positive = alpha * (1 - p).Pow(gamma) * -(p + eps).Log();
        return scope.MoveOut(positive - negative);
    }

    /// <summary>Components, unweighted, each [B, Q, T_max]: class cost, L1 of cxcywh, −GIoU of xyxy.</summary>
    public static (Tensor Class, Tensor L1, Tensor Giou) Components(SetPrediction prediction, PaddedTargets targets, MatchCostConfig config)
    {
        using var grad = LibTorch.NoGrad();
        using var scope = DisposeScope.Enter();
        var classCost = ClassCostOf(prediction, targets, config);
        var l1 = prediction.Boxes.Cdist(targets.Boxes, 1);                               // [B, Q, T]
        var giou = -BoxOps.GeneralizedIou(BoxOps.CxcywhToXyxy(prediction.Boxes), BoxOps.CxcywhToXyxy(targets.Boxes));
        return (scope.MoveOut(classCost), scope.MoveOut(l1), scope.MoveOut(giou));
    }

    /// <summary>
    /// w_l1·L1 + w_class·class + w_giou·(−GIoU), in the reference's order: on CPU tensors the box terms are
    /// one fused pass (no [B, Q, T] intermediates), elsewhere the ATen composition.
    /// </summary>
    public static Tensor Compute(SetPrediction prediction, PaddedTargets targets, MatchCostConfig config)
    {
        using var grad = LibTorch.NoGrad();
        if (prediction.Logits.Device.IsCuda) return Composed(prediction, targets, config);
        using var classCost = ClassCostOf(prediction, targets, config);
        return Fused.MatchCost(classCost, prediction.Boxes, targets.Boxes, config.ClassWeight, config.L1Weight, config.GiouWeight);
    }

    /// <summary>The same cost composed from ATen ops (the reference beside the fused kernel; the CUDA path).</summary>
    public static Tensor Composed(SetPrediction prediction, PaddedTargets targets, MatchCostConfig config)
    {
        using var grad = LibTorch.NoGrad();
        using var scope = DisposeScope.Enter();
        var (cls, l1, giou) = Components(prediction, targets, config);
        return scope.MoveOut(l1 * config.L1Weight + cls * config.ClassWeight + giou * config.GiouWeight);
    }
}
