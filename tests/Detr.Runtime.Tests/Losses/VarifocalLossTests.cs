using Detr.Runtime.Losses;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Tests.Losses;

/// <summary>RT-DETR's varifocal class loss: IoU-aware targets at the matched classes, α·p^γ on the rest.</summary>
public class VarifocalLossTests
{
    [Fact]
    public void Equals_the_formula_evaluated_element_by_element_in_double_precision()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(3);
        var logits = Tensor.Randn([2, 5, 3]) * 2;                                        // [B, Q, C]
        var ones = new float[2 * 5 * 3];
        foreach (var (b, query, c) in new[] { (0, 1, 2), (1, 4, 0), (1, 0, 1) }) ones[(b * 5 + query) * 3 + c] = 1;
        var onehot = Tensor.From(ones, 2, 5, 3);
        var scores = onehot * Tensor.From(new[] { 0.9f, 0.35f, 0.6f, 0f, 0.1f }, 1, 5, 1);  // IoUs per query
        var (alpha, gamma, numBoxes) = (0.75, 2.0, 3.0);

        var loss = VarifocalLoss.Compute(logits, scores, onehot, numBoxes, alpha, gamma).Item();

        var (x, q, t) = (logits.ToArray<float>(), scores.ToArray<float>(), onehot.ToArray<float>());
        var expected = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var p = 1 / (1 + Math.Exp(-x[i]));
            var bce = -(q[i] * Math.Log(p) + (1 - q[i]) * Math.Log(1 - p));
            var weight = alpha * Math.Pow(p, gamma) * (1 - t[i]) + q[i];
            expected += weight * bce;
        }
        expected = expected / 5 / numBoxes;                                                 // .mean(1).sum() / num_boxes
        Assert.Equal(expected, loss, 5);
    }

    [Fact]
    public void A_matched_score_equal_to_its_iou_gets_no_gradient_and_a_lower_or_higher_one_is_pulled_towards_it()
    {
        using var scope = DisposeScope.Enter();
        const double iou = 0.6;
        var logitAtIou = Math.Log(iou / (1 - iou));
        foreach (var (offset, sign) in new[] { (0.0, 0), (-1.0, -1), (1.0, 1) })
        {
            var logits = Tensor.From(new[] { (float)(logitAtIou + offset), -3f }, 1, 1, 2).RequiresGrad_();
            var onehot = Tensor.From(new[] { 1f, 0f }, 1, 1, 2);
            var scores = onehot * (float)iou;
            VarifocalLoss.Compute(logits, scores, onehot, 1).Backward();
            var grad = logits.Grad!.ToArray<float>()[0];
            if (sign == 0) Assert.Equal(0, grad, 5);
            else Assert.Equal(sign, Math.Sign(grad));                                       // descent moves the score towards the IoU
        }
    }

    [Fact]
    public void In_the_criterion_the_class_term_follows_the_matched_boxes_quality_and_the_focal_one_does_not()
    {
        using var scope = DisposeScope.Enter();
        var matcher = new HungarianMatcher(new MatchCostConfig(ClassCost.Focal, 2, 5, 2), SolverKind.Host);
        var varifocal = new SetCriterion(LossConfig.DeformableDetr with { ClassLoss = ClassLoss.Varifocal }, matcher);
        var focal = new SetCriterion(LossConfig.DeformableDetr, matcher);
        var targets = new List<ImageTargets> { new(Tensor.From(new long[] { 1 }), Tensor.From(new[] { 0.5f, 0.5f, 0.2f, 0.2f }, 1, 4)) };
        var logits = Tensor.From(new[] { 2f, 2f, -4f, -4f, -4f, -4f }, 1, 2, 3);               // query 0 confident in classes 0 and 1
        SetPrediction Set(float width) => new(logits, Tensor.From(new[] { 0.5f, 0.5f, width, 0.2f, 0.1f, 0.1f, 0.05f, 0.05f }, 1, 2, 4));

        double ClassTerm(SetCriterion c, float width)
        {
            using var result = c.Compute(Set(width), [], targets);
            return result.Terms["loss_ce"].Item();
        }

        Assert.Equal(ClassTerm(focal, 0.2f), ClassTerm(focal, 0.15f), 6);
        // Query 0 is matched either way; with a worse box its target score is lower (IoU 0.75 against 1), and
        // a logit of 2 (p = 0.88) is then too confident: the loss rises.
        Assert.True(ClassTerm(varifocal, 0.15f) > ClassTerm(varifocal, 0.2f) + 1e-3);
    }
}
