using Detr.Runtime.Losses;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Tests.Losses;

/// <summary>H-DETR's one-to-many terms: the same criterion against targets repeated k times, weighted by λ.</summary>
public class HybridLossTests
{
    private static SetCriterion Criterion(double lambda) =>
        new(LossConfig.DeformableDetr, new HungarianMatcher(new MatchCostConfig(ClassCost.Focal, 2, 5, 2), SolverKind.Host), lambda);

    private static (SetPrediction Set, List<ImageTargets> Targets) Batch(int queries, int seed)
    {
        LibTorch.ManualSeed((ulong)seed);
        var logits = Tensor.Randn([2, queries, 5]);
        var boxes = Tensor.Rand([2, queries, 4]) * 0.4 + 0.3;
        var targets = new List<ImageTargets>
        {
            new(Tensor.From(new long[] { 1, 3 }), Tensor.From(new[] { 0.3f, 0.3f, 0.2f, 0.2f, 0.7f, 0.6f, 0.3f, 0.1f }, 2, 4)),
            new(Tensor.From(new long[] { 4 }), Tensor.From(new[] { 0.5f, 0.5f, 0.4f, 0.3f }, 1, 4)),
        };
        return (new SetPrediction(logits, boxes), targets);
    }

    [Fact]
    public void With_k_1_and_the_same_set_every_one_to_many_term_equals_its_one_to_one_term()
    {
        using var scope = DisposeScope.Enter();
        var (set, targets) = Batch(6, 1);
        var criterion = Criterion(0.5);
        using var plain = criterion.Compute(set, [set], targets);
        using var hybrid = criterion.Compute(set, [set], targets, new OneToManySets(set, [set], K: 1));
        foreach (var (name, value) in plain.Terms.Where(t => t.Key != "class_error")) // logged for the one-to-one set only
            Assert.Equal(value.Item(), hybrid.Terms[name + SetCriterion.OneToManySuffix].Item(), 6);
        Assert.Equal(2 * 0.5, criterion.Weight("loss_ce_0_one2many"));
        Assert.Equal(5 * 0.5, criterion.Weight("loss_bbox_one2many"));
        Assert.Null(criterion.Weight("cardinality_error_one2many"));
        Assert.Equal(1.5 * plain.WeightedTotal.Item(), hybrid.WeightedTotal.Item(), 5);
    }

    [Fact]
    public void With_k_3_every_target_gets_three_one_to_many_predictions()
    {
        using var scope = DisposeScope.Enter();
        var (set, targets) = Batch(4, 2);
        var (many, _) = Batch(12, 3);
        using var result = Criterion(1).Compute(set, [], targets, new OneToManySets(many, [], K: 3));
        var matches = result.Indices["final_one2many"];
        Assert.Equal(new[] { 6, 3 }, matches.Select(m => m.Count).ToArray());
        for (var b = 0; b < 2; b++)
        {
            Assert.All(matches[b].TgtIdx.GroupBy(t => t % targets[b].Count), g => Assert.Equal(3, g.Count()));
            Assert.Equal(matches[b].Count, matches[b].PredIdx.Distinct().Count());
        }
        Assert.Equal(2, result.Indices["final"][0].Count);
    }
}
