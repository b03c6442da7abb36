using Detr.Dsl;
using Detr.Runtime.Data;
using Detr.Runtime.Losses;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Training;

/// <summary>The matcher and set criterion a compiled plan describes.</summary>
public static class PlanCriterion
{
    public static SolverKind Solver(string solver) => solver switch
    {
        "host" => SolverKind.Host,
        "device" => SolverKind.Device,
        "auto" => SolverKind.Auto,
        _ => throw new ArgumentException($"unknown solver '{solver}' (host, device or auto)"),
    };

    public static HungarianMatcher Matcher(Plan plan)
    {
        var c = plan.Match.Cost;
        // The focal matching cost's α and γ are the reference matchers' constants (0.25, 2), whatever the loss uses.
        var cost = new MatchCostConfig(plan.Head.Sigmoid ? ClassCost.Focal : ClassCost.Softmax, c.Class, c.L1, c.Giou);
        return new HungarianMatcher(cost, Solver(plan.Match.Solver));
    }

    /// <summary>The one-to-many sets of a hybrid-matching model's training output (H-DETR), or null.</summary>
    public static OneToManySets? OneToMany(Plan plan, Detr.Models.DetectorOutput output) =>
        plan.OneToMany is { } many && output.OneToMany is { } o
            ? new OneToManySets(new SetPrediction(o.Value.ManyLogits, o.Value.ManyBoxes),
                                plan.AuxLoss ? o.Value.ManyAux.Select(a => new SetPrediction(a.Item1, a.Item2)).ToList() : [], many.Value.K)
            : null;

    /// <summary>
    /// The plan's losses of a training forward's output against the batch's targets (moved to
    /// <paramref name="device"/>), matching included: the last decoder layer, the other layers when the plan
    /// has auxiliary losses, and a hybrid model's one-to-many group. The trainer's step and `bench step`'s.
    /// </summary>
    public static LossResult Losses(SetCriterion criterion, Plan plan, Detr.Models.DetectorOutput output, Batch batch, Device device) =>
        Losses(criterion, plan, output, batch.Targets.Select(t => new ImageTargets(t.Labels.To(device), t.Boxes.To(device))).ToList(), batch.Sizes);

    /// <summary>The same for the output of some images, with their targets (on the output's device) and sizes.</summary>
    public static LossResult Losses(SetCriterion criterion, Plan plan, Detr.Models.DetectorOutput output, IReadOnlyList<ImageTargets> targets,
                                    IReadOnlyList<(int H, int W)> sizes)
    {
        var aux = plan.AuxLoss ? output.Aux.Select(a => new SetPrediction(a.Item1, a.Item2)).ToList() : [];
        // Co-DETR's auxiliary heads, one level each (the single-scale encoder's map).
        var dense = output.Dense.Select(head => head.Single()).Select(l => new DenseLevel(l.ClassLogits, l.BoxDeltas, l.Centerness, l.Stride)).ToList();
        return criterion.Compute(new SetPrediction(output.Logits, output.Boxes), aux, targets, OneToMany(plan, output), dense, sizes);
    }

    /// <summary>
    /// Co-DETR's auxiliary ATSS heads of the plan (none without `collaborate`): terms loss_atss_cls, _bbox and
    /// _centerness (loss_atss1_... for a second head) weighted 1, 2 and 1 × decoder layers × λ2, as the
    /// reference configs (num_dec_layer * lambda_2).
    /// </summary>
    public static List<AtssHeadLoss> DenseHeads(Plan plan)
    {
        if (plan.Collaborate is not { } co) return [];
        var scale = co.Value.DecoderLayers * co.Value.HeadWeight;
        return co.Value.Heads.Select((h, i) => new AtssHeadLoss(
            new AtssHeadLossConfig(h.TopK, h.AnchorScale, 1 * scale, 2 * scale, 1 * scale),
            i == 0 ? "loss_atss" : $"loss_atss{i}")).ToList();
    }

    public static SetCriterion Criterion(Plan plan)
    {
        var h = plan.Head;
        var classLoss = !h.Sigmoid ? ClassLoss.Softmax : h.Varifocal ? ClassLoss.Varifocal : ClassLoss.Focal;
        var loss = new LossConfig(classLoss, plan.Loss.Class, plan.Loss.L1, plan.Loss.Giou,
                                  NoObjectWeight: h.NoObjectWeight, FocalAlpha: h.FocalAlpha, FocalGamma: h.FocalGamma, VarifocalAlpha: h.VarifocalAlpha);
        return new SetCriterion(loss, Matcher(plan), plan.OneToMany is { } many ? many.Value.Weight : 1, DenseHeads(plan));
    }
}
