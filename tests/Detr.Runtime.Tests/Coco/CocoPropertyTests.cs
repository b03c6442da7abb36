using Detr.Runtime.Coco;
using FsCheck;
using FsCheck.Fluent;

namespace Detr.Runtime.Tests.Coco;

/// <summary>Issue #4, acceptance 2: invariants of the evaluator on generated data.</summary>
public class CocoPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(100);

    /// <summary>A random ground truth: 1–6 images, categories 1–3, 0–6 non-crowd boxes per image.</summary>
    private static readonly Gen<CocoGroundTruth> GroundTruths =
        from images in Gen.Choose(1, 6)
        from boxes in Gen.ArrayOf(
            from image in Gen.Choose(1, images)
            from category in Gen.Choose(1, 3)
            from x in Gen.Choose(0, 400)
            from y in Gen.Choose(0, 400)
            from w in Gen.Choose(4, 200)
            from h in Gen.Choose(4, 200)
            select (image, category, x, y, w, h))
        select new CocoGroundTruth(
            Enumerable.Range(1, images).Select(i => (long)i).ToArray(),
            [new CocoCategory(1, "a"), new CocoCategory(2, "b"), new CocoCategory(3, "c"), new CocoCategory(4, "never annotated")],
            boxes.Select((b, i) => new CocoAnnotation(i + 1, b.image, b.category, b.x, b.y, b.w, b.h, b.w * b.h * 0.8, false)).ToArray());

    private static CocoStats Evaluate(CocoGroundTruth gt, IEnumerable<CocoDetection> dets)
    {
        var e = new CocoEvaluator(gt);
        foreach (var d in dets) e.Add(d);
        return e.Compute(2).Stats;
    }

    /// <summary>Noisy detections: each GT copied with jitter, distinct scores.</summary>
    private static List<CocoDetection> Noisy(CocoGroundTruth gt, int seed)
    {
        var rng = new Random(seed);
        return gt.Annotations.Select((a, i) => new CocoDetection(0, a.ImageId, rng.Next(3) == 0 ? 1 + rng.Next(3) : a.CategoryId,
            a.X + rng.Next(-10, 10), a.Y + rng.Next(-10, 10), a.W * (0.8 + 0.4 * rng.NextDouble()), a.H, 0.5 + i * 1e-4 + rng.NextDouble() * 0.4)).ToList();
    }

    /// <summary>pycocotools' precision is tp / (tp + fp + np.spacing(1)), so "1" is 1 − 2.2e-16 (as in its own perfect case).</summary>
    private static bool IsOne(double v) => Math.Abs(v - 1) <= 1e-12;

    [Fact]
    public void Perfect_detections_give_AP_one()
    {
        Prop.ForAll(GroundTruths.Where(g => g.Annotations.Count > 0).ToArbitrary(), gt =>
        {
            var stats = Evaluate(gt, gt.Annotations.Select((a, i) => new CocoDetection(0, a.ImageId, a.CategoryId, a.X, a.Y, a.W, a.H, 1.0 - i * 1e-3)));
            return IsOne(stats.AP) && IsOne(stats["AP50"]) && stats["AR100"] == 1.0;
        }).Check(Runs);
    }

    [Fact]
    public void Shuffling_detections_with_distinct_scores_changes_nothing()
    {
        Prop.ForAll(GroundTruths.ToArbitrary(), Gen.Choose(0, 10000).ToArbitrary(), (gt, seed) =>
        {
            var dets = Noisy(gt, seed);
            List<CocoDetection> shuffled = [.. dets];
            new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
            return Evaluate(gt, dets).Values.SequenceEqual(Evaluate(gt, shuffled).Values);
        }).Check(Runs);
    }

    [Fact]
    public void A_detection_on_an_unannotated_category_changes_nothing()
    {
        Prop.ForAll(GroundTruths.ToArbitrary(), Gen.Choose(0, 10000).ToArbitrary(), (gt, seed) =>
        {
            var dets = Noisy(gt, seed);
            var before = Evaluate(gt, dets);
            dets.Add(new CocoDetection(0, 1, 4, 10, 10, 50, 50, 0.99));   // a category no image annotates
            dets.Add(new CocoDetection(0, 1, 99, 10, 10, 50, 50, 0.99));  // a category the ground truth does not list
            return before.Values.SequenceEqual(Evaluate(gt, dets).Values);
        }).Check(Runs);
    }

    [Fact]
    public void A_duplicate_of_a_matched_detection_lowers_precision_as_pycocotools_does()
    {
        // Two objects; detections: A (object 1, 0.9), a duplicate of A (0.8), B (object 2, 0.7).
        // tp = [1, 1, 2], fp = [0, 1, 1] -> recall [0.5, 0.5, 1], precision [1, 0.5, 2/3] -> envelope
        // [1, 2/3, 2/3]: 51 recall thresholds <= 0.5 read 1, the other 50 read 2 / (3 + eps).
        var gt = new CocoGroundTruth([1], [new CocoCategory(1, "a")],
            [new CocoAnnotation(1, 1, 1, 0, 0, 50, 50, 2000, false), new CocoAnnotation(2, 1, 1, 100, 100, 50, 50, 2000, false)]);
        var stats = Evaluate(gt, [new CocoDetection(0, 1, 1, 0, 0, 50, 50, 0.9), new CocoDetection(0, 1, 1, 0, 0, 50, 50, 0.8),
                                  new CocoDetection(0, 1, 1, 100, 100, 50, 50, 0.7)]);
        var expected = (51 * (1 / (1 + 2.220446049250313e-16)) + 50 * (2 / (3 + 2.220446049250313e-16))) / 101;
        Assert.Equal(expected, stats.AP, 15);
        // Without the duplicate, AP is 1 (up to np.spacing(1)).
        Assert.True(IsOne(Evaluate(gt, [new CocoDetection(0, 1, 1, 0, 0, 50, 50, 0.9), new CocoDetection(0, 1, 1, 100, 100, 50, 50, 0.7)]).AP));
    }

    [Fact]
    public void Empty_results_give_zero_where_there_is_ground_truth_instead_of_crashing()
    {
        var gt = new CocoGroundTruth([1], [new CocoCategory(1, "a")], [new CocoAnnotation(1, 1, 1, 0, 0, 50, 50, 2000, false)]);
        var stats = Evaluate(gt, []);
        Assert.Equal(0, stats.AP);
        Assert.Equal(-1, stats["APs"]);
    }
}
