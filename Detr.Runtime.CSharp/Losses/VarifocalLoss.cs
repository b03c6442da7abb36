using Detr.Torch;

namespace Detr.Runtime.Losses;

/// <summary>
/// Varifocal loss (Zhang et al., "VarifocalNet: An IoU-aware Dense Object Detector", CVPR 2021, eq. 2) in the
/// form RT-DETR trains its decoder with (lyuwenyu/RT-DETR rtdetr_criterion.py <c>loss_labels_vfl</c>): binary
/// cross-entropy on sigmoid logits against IoU-aware targets q — the IoU of the matched prediction with its
/// box at its class, 0 elsewhere — weighted q at the targets and α·p^γ (p detached) elsewhere, then
/// <c>.mean(1).sum() / num_boxes</c> as the focal loss. A well-localised match is trained towards a high score
/// and a poor one towards a low score, so the scores that rank detections for AP follow the boxes' quality.
/// </summary>
public static class VarifocalLoss
{
    /// <param name="logits">[B, Q, C]</param>
    /// <param name="scores">[B, Q, C] target scores q in [0, 1]: the matched IoU at the matched class, else 0</param>
    /// <param name="onehot">[B, Q, C] 1 at every matched query's class</param>
    public static Tensor Compute(Tensor logits, Tensor scores, Tensor onehot, double numBoxes, double alpha = 0.75, double gamma = 2)
    {
        using var scope = DisposeScope.Enter();
        var prob = logits.Detach().Sigmoid();
        var weight = alpha * prob.Pow(gamma) * (1 - onehot) + scores;
        var loss = Functional.BinaryCrossEntropyWithLogits(logits, scores, weight, reduction: Reduction.None);
        return scope.MoveOut(loss.Mean(1).Sum() / numBoxes);
    }
}
