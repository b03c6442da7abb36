using System.Text.Json;
using Detr.Runtime.Boxes;
using Detr.Runtime.Matching;
using Detr.Torch;
using static Detr.Runtime.Tests.FixtureJson;

namespace Detr.Runtime.Tests.Matching;

/// <summary>Issue #3, acceptance 1: cost matrices and indices of the reference matchers.</summary>
public class MatchCostTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "detr_hungarian_matcher.json", "focal_hungarian_matcher.json" })
            foreach (var name in CaseNames("matcher", file)) data.Add(file, name);
        return data;
    }

    internal static MatchCostConfig Config(JsonElement config) => new(
        config.GetProperty("class_cost_type").GetString() == "focal" ? ClassCost.Focal : ClassCost.Softmax,
        config.GetProperty("cost_class").GetDouble(), config.GetProperty("cost_bbox").GetDouble(), config.GetProperty("cost_giou").GetDouble());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_cost_and_matching_reproduce_the_reference(string file, string name)
    {
        using var scope = DisposeScope.Enter();
        var c = Case("matcher", file, name);
        var inputs = c.GetProperty("inputs");
        var expected = c.GetProperty("expected");
        var prediction = new SetPrediction(F32(inputs.GetProperty("pred_logits")), F32(inputs.GetProperty("pred_boxes")));
        var targets = Targets(inputs.GetProperty("targets"));
        using var padded = new PaddedTargets(targets, Device.Cpu);
        var config = Config(inputs.GetProperty("config"));
        var cost = MatchCost.Compute(prediction, padded, config);
        var (cls, l1, giou) = MatchCost.Components(prediction, padded, config);

        for (var b = 0; b < targets.Count; b++)
        {
            var t = targets[b].Count;
            if (t == 0) continue;
            void Compare(Tensor block, JsonElement want, double tolerance)
            {
                var got = block.Select(0, b).Narrow(1, 0, t).Contiguous().ToArray<float>();
                var w = Flatten(want[b]);
                Assert.Equal(w.Length, got.Length);
                for (var i = 0; i < w.Length; i++)
                    Assert.True(Math.Abs(w[i] - got[i]) <= tolerance, $"image {b} entry {i}: expected {w[i]}, got {got[i]}");
            }
            Compare(cost, expected.GetProperty("cost_matrices"), 1e-5);
            Compare(cls, expected.GetProperty("cost_components").GetProperty("cost_class"), 1e-5);
            Compare(l1, expected.GetProperty("cost_components").GetProperty("cost_bbox"), 1e-5);
            Compare(giou, expected.GetProperty("cost_components").GetProperty("cost_giou"), 1e-5);
        }

        foreach (var solver in new[] { SolverKind.Host, SolverKind.Device })
        {
            var matches = new HungarianMatcher(config, solver).Match(prediction, padded);
            var groups = expected.GetProperty("duplicate_target_groups");
            for (var b = 0; b < targets.Count; b++)
            {
                var want = expected.GetProperty("indices")[b];
                Assert.Equal(Ints(want.GetProperty("pred_idx")), matches[b].PredIdx);
                Assert.Equal(Ints(want.GetProperty("tgt_idx")).Select(x => HungarianFixtureTests.Canonical(groups[b], x)),
                             matches[b].TgtIdx.Select(x => HungarianFixtureTests.Canonical(groups[b], x)));
            }
        }
    }

    [Theory]
    [InlineData("hand_xyxy")]
    [InlineData("random_cxcywh")]
    public void Box_ops_reproduce_reference_iou_union_and_giou(string name)
    {
        using var scope = DisposeScope.Enter();
        var c = Case("matcher", "box_ops_giou.json", name);
        var inputs = c.GetProperty("inputs");
        var expected = c.GetProperty("expected");
        var a = F32(inputs.GetProperty("boxes1"));
        var b = F32(inputs.GetProperty("boxes2"));
        if (inputs.GetProperty("format").GetString() == "cxcywh")
        {
            a = BoxOps.CxcywhToXyxy(a);
            b = BoxOps.CxcywhToXyxy(b);
        }
        void Near(JsonElement want, Tensor got)
        {
            var w = Flatten(want);
            var g = got.Contiguous().ToArray<float>();
            for (var i = 0; i < w.Length; i++) Assert.True(Math.Abs(w[i] - g[i]) <= 1e-6, $"{i}: {w[i]} vs {g[i]}");
        }
        Near(expected.GetProperty("boxes1_xyxy"), a);
        Near(expected.GetProperty("boxes2_xyxy"), b);
        var (iou, union) = BoxOps.PairwiseIou(a, b);
        Near(expected.GetProperty("iou"), iou);
        Near(expected.GetProperty("union"), union);
        Near(expected.GetProperty("giou"), BoxOps.GeneralizedIou(a, b));
        // The elementwise form equals the diagonal of the pairwise matrix.
        var n = Math.Min(a.Size(0), b.Size(0));
        var diag = BoxOps.GeneralizedIou(a.Narrow(0, 0, n), b.Narrow(0, 0, n)).ToArray<float>();
        var elementwise = BoxOps.ElementwiseGiou(a.Narrow(0, 0, n), b.Narrow(0, 0, n)).ToArray<float>();
        for (var i = 0; i < n; i++) Assert.Equal(diag[i * n + i], elementwise[i]);
    }
}

/// <summary>The fused CPU cost kernel against the ATen composition, in float64 (STYLE.md §4).</summary>
public class FusedMatchCostTests
{
    [Theory]
    [InlineData(ClassCost.Softmax)]
    [InlineData(ClassCost.Focal)]
    public void Fused_cost_equals_the_composed_reference_in_float64(ClassCost kind)
    {
        using var scope = DisposeScope.Enter();
        var (prediction, targets) = MatcherBenchmark.RandomBatch(3, 17, 5, 11, Device.Cpu, seed: 4);
        var p64 = new SetPrediction(prediction.Logits.To(DType.Float64), prediction.Boxes.To(DType.Float64));
        var t64 = targets.Select(t => new ImageTargets(t.Labels, t.Boxes.To(DType.Float64))).ToList();
        t64[1] = new ImageTargets(t64[1].Labels.Narrow(0, 0, 2), t64[1].Boxes.Narrow(0, 0, 2)); // padded columns too
        using var padded = new PaddedTargets(t64, Device.Cpu, DType.Float64);
        var config = new MatchCostConfig(kind, 1.5, 5, 2);
        var fused = MatchCost.Compute(p64, padded, config).ToArray<double>();
        var composed = MatchCost.Composed(p64, padded, config).To(DType.Float64).ToArray<double>();
        Assert.Equal(composed.Length, fused.Length);
        for (var i = 0; i < fused.Length; i++) Assert.True(Math.Abs(fused[i] - composed[i]) <= 1e-12 * Math.Max(1, Math.Abs(composed[i])), $"{i}: {fused[i]} vs {composed[i]}");
    }
}
