using Detr.Runtime.Matching;
using FsCheck;
using FsCheck.Fluent;

namespace Detr.Runtime.Tests.Matching;

public class AssignerTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>Random IoU matrices [T, N] with values on a coarse grid so that ties happen.</summary>
    private static readonly Gen<QualityMatrix> IouMatrices =
        from t in Gen.Choose(0, 6)
        from n in Gen.Choose(1, 40)
        from values in Gen.ArrayOf(Gen.Choose(0, 20).Select(x => x / 20f), t * n)
        select QualityMatrix.Create(values, t, n);

    [Fact]
    public void MaxIou_respects_thresholds_outside_low_quality_matches()
    {
        var rule = new MaxIouAssigner(Positive: 0.5f, Negative: 0.3f, LowQuality: false);
        Prop.ForAll(IouMatrices.ToArbitrary(), iou =>
        {
            var labels = rule.Assign(iou).PerPrediction;
            for (var p = 0; p < iou.Predictions; p++)
            {
                var best = iou.Targets == 0 ? 0f : Enumerable.Range(0, iou.Targets).Max(t => iou[t, p]);
                var expected = best >= 0.5f ? 1 : best < 0.3f ? Assignment.Background : Assignment.Ignore;
                if (expected == 1 ? labels[p] < 0 || iou[labels[p], p] != best : labels[p] != expected) return false;
            }
            return true;
        }).Check(Runs);
    }

    [Fact]
    public void Low_quality_matches_give_every_overlapping_target_its_best_predictions()
    {
        foreach (var rule in new[] { LowQualityRule.Detectron2, LowQualityRule.MmDetection })
        {
            var assigner = new MaxIouAssigner(0.7f, 0.3f, LowQuality: true, rule, MinPositiveIou: 0.1f);
            Prop.ForAll(IouMatrices.ToArbitrary(), iou =>
            {
                var labels = assigner.Assign(iou).PerPrediction;
                for (var t = 0; t < iou.Targets; t++)
                {
                    var top = Enumerable.Range(0, iou.Predictions).Max(p => iou[t, p]);
                    if (top < 0.1f) continue;
                    // Every prediction reaching the target's best IoU is positive; in mmdet's rule it goes
                    // to the last (highest-index) target whose best it reaches.
                    for (var p = 0; p < iou.Predictions; p++)
                    {
                        if (iou[t, p] != top) continue;
                        if (labels[p] < 0) return false;
                        if (rule == LowQualityRule.MmDetection)
                        {
                            var last = Enumerable.Range(0, iou.Targets).Last(u =>
                                iou[u, p] >= 0.1f && iou[u, p] == Enumerable.Range(0, iou.Predictions).Max(x => iou[u, x]));
                            if (labels[p] != last) return false;
                        }
                    }
                }
                return true;
            }).Check(Runs);
        }
    }

    [Fact]
    public void Sampled_iou_keeps_at_most_k_per_target_and_at_most_the_fraction_of_samples()
    {
        var gen = from iou in IouMatrices
                  from seed in Gen.Choose(0, 1000)
                  from k in Gen.Choose(1, 5)
                  from samples in Gen.Choose(1, 50)
                  select (iou, seed, k, samples);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var rule = new SampledIouAssigner(0.5f, 0.5f, c.samples, 0.25f, c.k);
            var a = rule.Assign(c.iou, c.seed);
            var perTarget = a.TgtIdx.GroupBy(t => t).Select(g => g.Count()).DefaultIfEmpty(0).Max();
            var again = rule.Assign(c.iou, c.seed);
            return perTarget <= c.k
                && a.PositiveCount <= (int)(c.samples * 0.25f)
                && a.PredIdx.SequenceEqual(again.PredIdx) && a.TgtIdx.SequenceEqual(again.TgtIdx);
        }).Check(Runs);
    }

    [Fact]
    public void Sampled_iou_gives_each_target_its_highest_iou_predictions()
    {
        // One target; predictions 2 and 4 pass 0.6; top-k rebalancing picks the two best overall (4 then 2).
        var iou = QualityMatrix.Create([0.1f, 0.2f, 0.65f, 0.3f, 0.9f], 1, 5);
        var a = SampledIouAssigner.Stage2(queries: 100).Assign(iou, seed: 1);
        Assert.Equal(new[] { 4, 2 }, a.PredIdx);
        Assert.Equal(new[] { 0, 0 }, a.TgtIdx);
        Assert.Equal(new[] { -1, -1, 0, -1, 0 }, a.PerPrediction);
    }

    [Fact]
    public void Atss_selects_the_candidates_above_mean_plus_std_with_centres_inside()
    {
        // One level, 4 anchors, one target [0, 0, 10, 10]; TopK 3 -> the 3 closest anchors are candidates.
        float[] anchors = [0, 0, 10, 10, 1, 1, 9, 9, 20, 20, 30, 30, 4, 4, 12, 12];
        float[] target = [0, 0, 10, 10];
        var iou = QualityMatrix.Create([1f, 0.64f, 0f, 0.3f], 1, 4);
        var a = new AtssAssigner(TopK: 3).Assign(anchors, [4], target, iou);
        // candidates 0, 1, 3 (distances 0, 0, 2.83); mean 0.6467, std 0.3502 -> threshold 0.9969: only anchor 0.
        Assert.Equal(new[] { 0, -1, -1, -1 }, a.PerPrediction);
    }

    [Fact]
    public void Atss_respects_topk_per_level_and_centre_inside_on_random_boxes()
    {
        var gen = from m in Gen.Choose(0, 4)
                  from n1 in Gen.Choose(1, 12)
                  from n2 in Gen.Choose(1, 12)
                  from coords in Gen.ArrayOf(Gen.Choose(0, 40), 4 * (m + n1 + n2))
                  select (m, new[] { n1, n2 }, coords);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var n = c.Item2.Sum();
            var boxes = new float[4 * (c.m + n)];
            for (var i = 0; i < c.m + n; i++)
            {
                float x = c.coords[4 * i], y = c.coords[4 * i + 1];
                boxes[4 * i] = x; boxes[4 * i + 1] = y;
                boxes[4 * i + 2] = x + 1 + c.coords[4 * i + 2]; boxes[4 * i + 3] = y + 1 + c.coords[4 * i + 3];
            }
            var targets = boxes.AsSpan(0, 4 * c.m).ToArray();
            var anchors = boxes.AsSpan(4 * c.m).ToArray();
            var iou = new float[c.m * n];
            for (var t = 0; t < c.m; t++)
                for (var a = 0; a < n; a++) iou[t * n + a] = Iou(targets.AsSpan(4 * t, 4), anchors.AsSpan(4 * a, 4));
            var result = new AtssAssigner(TopK: 3).Assign(anchors, c.Item2, targets, QualityMatrix.Create(iou, c.m, n));
            for (var a = 0; a < n; a++)
            {
                var t = result.PerPrediction[a];
                if (t < 0) continue;
                float cx = (anchors[4 * a] + anchors[4 * a + 2]) / 2, cy = (anchors[4 * a + 1] + anchors[4 * a + 3]) / 2;
                if (!(cx > targets[4 * t] && cx < targets[4 * t + 2] && cy > targets[4 * t + 1] && cy < targets[4 * t + 3])) return false;
            }
            // at most TopK positives per target per level
            for (var t = 0; t < c.m; t++)
                if (result.PerPrediction.Take(c.Item2[0]).Count(x => x == t) > 3 || result.PerPrediction.Skip(c.Item2[0]).Count(x => x == t) > 3)
                    return false;
            return true;
        }).Check(Runs);
    }

    private static float Iou(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var w = Math.Max(0, Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]));
        var h = Math.Max(0, Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]));
        var inter = w * h;
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
    }

    [Fact]
    public void Repeat_gives_each_target_up_to_k_predictions_at_minimum_cost()
    {
        // 5 queries x 2 targets (rows: q0 [0, 9], q1 [1, 9], q2 [9, 0], q3 [9, 1], q4 [5, 5]), k = 2:
        // each target gets its two cheapest queries, q4 stays unmatched.
        float[] cost = [0, 9, 1, 9, 9, 0, 9, 1, 5, 5];
        var m = new RepeatAssigner(2).Assign(cost, 1, 5, 2, [2])[0];
        Assert.Equal(new[] { 0, 1, 2, 3 }, m.PredIdx);
        Assert.Equal(new[] { 0, 0, 1, 1 }, m.TgtIdx);
    }

    [Fact]
    public void Quality_matrix_rejects_negative_or_non_finite_iou()
    {
        Assert.Throws<ArgumentException>(() => QualityMatrix.Create([0.5f, float.NaN], 1, 2));
        Assert.Throws<ArgumentException>(() => QualityMatrix.Create([-0.1f, 0.2f], 1, 2));
    }
}
