using System.Text.Json;
using Detr.Runtime.Losses;
using Detr.Runtime.Matching;
using Detr.Runtime.Tests.Matching;
using Detr.Torch;
using static Detr.Runtime.Tests.FixtureJson;

namespace Detr.Runtime.Tests.Losses;

/// <summary>Issue #3, acceptance 2: DETR (softmax) and Deformable DETR (focal) criteria against the references.</summary>
public class SetCriterionTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "detr_setcriterion.json", "deformable_setcriterion.json" })
            foreach (var name in CaseNames("loss", file)) data.Add(file, name);
        return data;
    }

    /// <summary>The criterion a fixture's config describes.</summary>
    internal static SetCriterion Criterion(JsonElement config, SolverKind solver = SolverKind.Host)
    {
        var weights = config.GetProperty("weight_dict");
        var cost = MatchCostTests.Config(config.GetProperty("matcher"));
        var focal = config.TryGetProperty("focal_alpha", out var alpha);
        var loss = new LossConfig(focal ? ClassLoss.Focal : ClassLoss.Softmax,
            weights.GetProperty("loss_ce").GetDouble(), weights.GetProperty("loss_bbox").GetDouble(), weights.GetProperty("loss_giou").GetDouble(),
            NoObjectWeight: focal ? 0.1 : config.GetProperty("eos_coef").GetDouble(),
            FocalAlpha: focal ? alpha.GetDouble() : 0.25,
            FocalGamma: focal ? config.GetProperty("focal_gamma").GetDouble() : 2);
        return new SetCriterion(loss, new HungarianMatcher(cost, solver));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_terms_indices_and_gradients_match_the_reference(string file, string name)
    {
        using var scope = DisposeScope.Enter();
        var c = Case("loss", file, name);
        var inputs = c.GetProperty("inputs");
        var expected = c.GetProperty("expected");
        var outputs = inputs.GetProperty("outputs");
        var logits = F32(outputs.GetProperty("pred_logits")).RequiresGrad_();
        var boxes = F32(outputs.GetProperty("pred_boxes")).RequiresGrad_();
        var aux = outputs.GetProperty("aux_outputs").EnumerateArray()
            .Select(a => new SetPrediction(F32(a.GetProperty("pred_logits")).RequiresGrad_(), F32(a.GetProperty("pred_boxes")).RequiresGrad_())).ToList();
        var targets = Targets(inputs.GetProperty("targets"));

        using var result = Criterion(inputs.GetProperty("config")).Compute(new SetPrediction(logits, boxes), aux, targets);

        var losses = expected.GetProperty("losses");
        Assert.Equal(losses.EnumerateObject().Select(p => p.Name).Order(), result.Terms.Keys.Order());
        foreach (var term in losses.EnumerateObject())
            AssertRelative(term.Value.GetDouble(), result.Terms[term.Name].Item(), 1e-5, term.Name);
        AssertRelative(expected.GetProperty("weighted_total").GetDouble(), result.WeightedTotal.Item(), 1e-5, "weighted_total");
        Assert.Equal(expected.GetProperty("num_boxes").GetDouble(), result.NumBoxes);

        var groups = expected.GetProperty("duplicate_target_groups");
        foreach (var layer in expected.GetProperty("indices").EnumerateObject())
            for (var b = 0; b < targets.Count; b++)
            {
                var want = layer.Value[b];
                Assert.Equal(Ints(want.GetProperty("pred_idx")), result.Indices[layer.Name][b].PredIdx);
                Assert.Equal(Ints(want.GetProperty("tgt_idx")).Select(x => HungarianFixtureTests.Canonical(groups[b], x)),
                             result.Indices[layer.Name][b].TgtIdx.Select(x => HungarianFixtureTests.Canonical(groups[b], x)));
            }

        if (expected.TryGetProperty("grads_of_weighted_total", out var grads))
        {
            result.WeightedTotal.Backward();
            AssertGrad(grads.GetProperty("pred_logits"), logits, "pred_logits");
            AssertGrad(grads.GetProperty("pred_boxes"), boxes, "pred_boxes");
            var auxGrads = grads.GetProperty("aux_outputs");
            for (var i = 0; i < aux.Count; i++)
            {
                AssertGrad(auxGrads[i].GetProperty("pred_logits"), aux[i].Logits, $"aux {i} logits");
                AssertGrad(auxGrads[i].GetProperty("pred_boxes"), aux[i].Boxes, $"aux {i} boxes");
            }
        }
    }

    private static void AssertRelative(double expected, double actual, double rtol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rtol * Math.Max(Math.Abs(expected), 1e-6),
                    $"{what}: expected {expected}, got {actual}");

    private static void AssertGrad(JsonElement want, Tensor parameter, string what)
    {
        var w = Flatten(want);
        var g = parameter.Grad!.ToArray<float>();
        var scale = Math.Max(w.Max(Math.Abs), 1e-12);
        for (var i = 0; i < w.Length; i++)
            Assert.True(Math.Abs(w[i] - g[i]) <= 1e-5 * scale, $"{what} gradient {i}: expected {w[i]}, got {g[i]}");
    }

    [Fact]
    public void Sigmoid_focal_loss_matches_the_reference_cases()
    {
        foreach (var name in CaseNames("loss", "sigmoid_focal_loss.json"))
        {
            using var scope = DisposeScope.Enter();
            var inputs = Case("loss", "sigmoid_focal_loss.json", name).GetProperty("inputs");
            var expected = Case("loss", "sigmoid_focal_loss.json", name).GetProperty("expected");
            var value = SigmoidFocalLoss.Compute(F32(inputs.GetProperty("inputs")), F32(inputs.GetProperty("targets")),
                inputs.GetProperty("num_boxes").GetDouble(), inputs.GetProperty("alpha").GetDouble(), inputs.GetProperty("gamma").GetDouble());
            AssertRelative(expected.GetProperty("value").GetDouble(), value.Item(), 1e-5, name);
        }
    }

    [Fact]
    public void A_degenerate_target_box_is_named_by_image_and_index()
    {
        using var scope = DisposeScope.Enter();
        var c = Case("loss", "detr_setcriterion.json", "detr_small_B2_Q10_C5");
        var inputs = c.GetProperty("inputs");
        var targets = Targets(inputs.GetProperty("targets"));
        targets[1].Boxes.Select(0, 1).Select(0, 2).Fill_(-0.1); // image 1, box 1: negative width
        var prediction = new SetPrediction(F32(inputs.GetProperty("outputs").GetProperty("pred_logits")), F32(inputs.GetProperty("outputs").GetProperty("pred_boxes")));
        var e = Assert.Throws<Detr.Runtime.Boxes.DegenerateBoxException>(() => Criterion(inputs.GetProperty("config")).Compute(prediction, [], targets));
        Assert.Equal(1, e.Image);
        Assert.Equal(1, e.Index);
        Assert.Contains("box 1 of image 1", e.Message);
    }

    [Fact]
    public void NaN_predictions_are_named_by_image_with_counts()
    {
        using var scope = DisposeScope.Enter();
        var c = Case("loss", "detr_setcriterion.json", "detr_small_B2_Q10_C5");
        var inputs = c.GetProperty("inputs");
        var logits = F32(inputs.GetProperty("outputs").GetProperty("pred_logits"));
        logits.Select(0, 1).Select(0, 3).Fill_(double.NaN); // image 1, query 3: 6 logits
        var prediction = new SetPrediction(logits, F32(inputs.GetProperty("outputs").GetProperty("pred_boxes")));
        var e = Assert.Throws<NonFinitePredictionException>(() => Criterion(inputs.GetProperty("config")).Compute(prediction, [], Targets(inputs.GetProperty("targets"))));
        Assert.Equal(1, e.Image);
        Assert.Contains("6 non-finite logits", e.Message);
    }
}
