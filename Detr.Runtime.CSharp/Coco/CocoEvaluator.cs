using System.Diagnostics;

namespace Detr.Runtime.Coco;

/// <summary>Per-category summary (area all, maxDets 100): AP, AP50 and AR100, −1 without ground truth.</summary>
public sealed record CocoCategoryResult(long CategoryId, string Name, double AP, double AP50, double AR100, int GroundTruth);

/// <summary>Everything an evaluation produces.</summary>
public sealed record CocoResult(CocoStats Stats, CocoAccumulation Accumulation, IReadOnlyList<CocoCategoryResult> PerCategory,
                                IReadOnlyList<CocoEvalImage>? EvalImages, TimeSpan EvaluateTime, TimeSpan AccumulateTime);

/// <summary>
/// COCO bbox evaluation with pycocotools' exact semantics (cocodataset/cocoapi cocoeval.py), much faster:
/// detections and ground truth are grouped by (category, image) once with a counting sort, and categories
/// are evaluated and accumulated in parallel. Also the streaming form for training: give the ground truth
/// once, <see cref="Add(CocoDetection)"/> detections batch by batch, then <see cref="Compute"/>.
/// Deliberate difference: an empty results list gives AP 0 (−1 where there is no ground truth) instead of
/// pycocotools' crash.
/// </summary>
public sealed class CocoEvaluator(CocoGroundTruth groundTruth, CocoParams? parameters = null)
{
    private readonly List<CocoDetection> detections = [];

    public CocoGroundTruth GroundTruth { get; } = groundTruth;

    public CocoParams Params { get; } = parameters ?? CocoParams.Default;

    public int Count => detections.Count;

    /// <summary>Adds one detection (ids are assigned in order, as pycocotools' loadRes does); validates it.</summary>
    public void Add(long imageId, long categoryId, double x, double y, double w, double h, double score)
    {
        var index = detections.Count;
        if (!GroundTruth.HasImage(imageId)) throw new CocoFormatException($"detection {index}: image_id {imageId} is not in the ground truth");
        if (!double.IsFinite(score)) throw new CocoFormatException($"detection {index}: score {score} is not finite");
        if (!(double.IsFinite(x) && double.IsFinite(y) && double.IsFinite(w) && double.IsFinite(h)))
            throw new CocoFormatException($"detection {index}: bbox holds a non-finite value");
        if (w < 0 || h < 0) throw new CocoFormatException($"detection {index}: bbox has a negative {(w < 0 ? "width" : "height")}");
        detections.Add(new CocoDetection(index + 1L, imageId, categoryId, x, y, w, h, score));
    }

    public void Add(CocoDetection d) => Add(d.ImageId, d.CategoryId, d.X, d.Y, d.W, d.H, d.Score);

    /// <summary>Adds already validated detections (from <see cref="CocoJson.ReadResults(string, CocoGroundTruth)"/>), keeping their ids.</summary>
    public void AddValidated(IEnumerable<CocoDetection> validated) => detections.AddRange(validated);

    public CocoResult Compute(int threads = 0, bool details = false) =>
        Evaluate(GroundTruth, detections, Params, threads <= 0 ? Environment.ProcessorCount : threads, details);

    /// <summary>evaluate() + accumulate() + summarize().</summary>
    public static CocoResult Evaluate(CocoGroundTruth gt, IReadOnlyList<CocoDetection> dets, CocoParams p, int threads, bool details = false)
    {
        var watch = Stopwatch.StartNew();
        var images = gt.ImageIds;
        var categories = gt.Categories;
        var (I, K) = (images.Count, categories.Count);
        var imageIndex = new Dictionary<long, int>(I);
        for (var i = 0; i < I; i++) imageIndex[images[i]] = i;
        var categoryIndex = new Dictionary<long, int>(K);
        for (var k = 0; k < K; k++) categoryIndex[categories[k].Id] = k;

        // Group by (category, image), keeping file order within a cell; records of unknown categories or
        // images are dropped, as pycocotools' getAnnIds(imgIds, catIds) does.
        var gtCells = Group(gt.Annotations, a => Cell(imageIndex, categoryIndex, a.ImageId, a.CategoryId, I), K * I);
        var dtCells = Group(dets, d => Cell(imageIndex, categoryIndex, d.ImageId, d.CategoryId, I), K * I);

        var accumulation = new CocoAccumulation(p.IouThresholds.Length, p.RecallThresholds.Length, K, p.AreaRanges.Length, p.MaxDets.Length);
        var evalImages = details ? new List<CocoEvalImage>() : null;
        var evaluateTicks = 0L;
        var accumulateTicks = 0L;
        Parallel.For(0, K, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
        {
            var start = Stopwatch.GetTimestamp();
            var eval = CocoEvaluate.Category(p, categories[k].Id, images,
                i => gtCells.Slice(k * I + i), i => dtCells.Slice(k * I + i), evalImages);
            var middle = Stopwatch.GetTimestamp();
            CocoAccumulate.Category(p, k, eval, accumulation);
            Interlocked.Add(ref evaluateTicks, middle - start);
            Interlocked.Add(ref accumulateTicks, Stopwatch.GetTimestamp() - middle);
        });
        var stats = CocoSummarize.Stats(p, accumulation);
        var perCategory = categories.Select((c, k) => new CocoCategoryResult(c.Id, c.Name,
            CocoSummarize.Mean(p, accumulation, true, null, 0, 100, k),
            CocoSummarize.Mean(p, accumulation, true, 0.5, 0, 100, k),
            CocoSummarize.Mean(p, accumulation, false, null, 0, 100, k),
            gtCells.CountRange(k * I, I))).ToList();
        // Per-thread times summed, scaled to the wall time so the two phases add up to it.
        var total = watch.Elapsed;
        var busy = Math.Max(1, evaluateTicks + accumulateTicks);
        return new CocoResult(stats, accumulation, perCategory,
            evalImages?.OrderBy(e => e.CategoryId).ThenBy(e => Array.IndexOf(p.AreaRanges, e.AreaRange)).ThenBy(e => e.ImageId).ToList(), // pycocotools' order
            total * ((double)evaluateTicks / busy), total * ((double)accumulateTicks / busy));
    }

    private static int Cell(Dictionary<long, int> images, Dictionary<long, int> categories, long image, long category, int imageCount) =>
        images.TryGetValue(image, out var i) && categories.TryGetValue(category, out var k) ? k * imageCount + i : -1;

    /// <summary>Items grouped into cells by a stable counting sort; cell −1 drops an item.</summary>
    private static Cells<T> Group<T>(IReadOnlyList<T> items, Func<T, int> cellOf, int cells)
    {
        var cellIds = new int[items.Count];
        var start = new int[cells + 1];
        for (var n = 0; n < items.Count; n++)
        {
            var c = cellIds[n] = cellOf(items[n]);
            if (c >= 0) start[c + 1]++;
        }
        for (var c = 0; c < cells; c++) start[c + 1] += start[c];
        var placed = new T[start[cells]];
        var next = (int[])start.Clone();
        for (var n = 0; n < items.Count; n++)
            if (cellIds[n] >= 0) placed[next[cellIds[n]]++] = items[n];
        return new Cells<T>(placed, start);
    }

    private sealed class Cells<T>(T[] items, int[] start)
    {
        public ReadOnlyMemory<T> Slice(int cell) => items.AsMemory(start[cell], start[cell + 1] - start[cell]);

        public int CountRange(int firstCell, int count) => start[firstCell + count] - start[firstCell];
    }
}
