namespace Detr.Runtime.Coco;

// COCO bbox evaluation, phase 1 — pycocotools' computeIoU + evaluateImg (cocoeval.py), per category.
// Dimension letters (as pycocotools): T IoU thresholds, R recall thresholds, K categories, A area
// ranges, M max-detection limits; I images; D detections and G ground truths of one (image, category).

/// <summary>The evaluated detections of one category and area range, images in ascending id order.</summary>
internal sealed class CategoryAreaEval(int detections, int thresholds)
{
    /// <summary>[T, n] row-major: detection matched a ground truth whose id is non-zero (pycocotools' dtm != 0).</summary>
    public readonly bool[] Matched = new bool[thresholds * detections];

    /// <summary>[T, n]: detection ignored (matched to an ignored GT, or unmatched and outside the area range).</summary>
    public readonly bool[] Ignored = new bool[thresholds * detections];

    /// <summary>Number of non-ignored ground truths (npig) over all images.</summary>
    public int NonIgnoredGt;

    /// <summary>Whether any image had a ground truth or detection of this category (else pycocotools skips it).</summary>
    public bool HasImages;
}

/// <summary>A category's detections in evaluation order, shared by all area ranges.</summary>
internal sealed class CategoryEval(int detections, int areas, int thresholds)
{
    /// <summary>Scores, images ascending, within an image by descending score (stable), at most maxDets[-1] per image.</summary>
    public readonly double[] Scores = new double[detections];

    /// <summary>Rank of each detection within its image (0 = highest score): maxDet m keeps rank &lt; m.</summary>
    public readonly int[] RankInImage = new int[detections];

    public readonly CategoryAreaEval[] Areas = Enumerable.Range(0, areas).Select(_ => new CategoryAreaEval(detections, thresholds)).ToArray();
}

/// <summary>pycocotools' evalImgs entry (kept only when details are requested, for tests and debugging).</summary>
public sealed record CocoEvalImage(long ImageId, long CategoryId, (double Lo, double Hi) AreaRange, int MaxDet, long[] DetIds, long[] GtIds,
                                   long[,] DetMatches, long[,] GtMatches, double[] DetScores, bool[] GtIgnore, bool[,] DetIgnore);

internal static class CocoEvaluate
{
    /// <summary>IoU of every detection with every ground truth (maskApi.c bbIou): crowd regions use the detection's area as the union.</summary>
    public static void Iou(ReadOnlySpan<CocoDetection> dt, ReadOnlySpan<CocoAnnotation> gt, Span<double> iou)
    {
        var g = gt.Length;
        for (var j = 0; j < g; j++)
        {
            var G = gt[j];
            var ga = G.W * G.H;
            for (var i = 0; i < dt.Length; i++)
            {
                var D = dt[i];
                var da = D.W * D.H;
                iou[i * g + j] = 0;
                var w = Math.Min(D.W + D.X, G.W + G.X) - Math.Max(D.X, G.X);
                if (w <= 0) continue;
                var h = Math.Min(D.H + D.Y, G.H + G.Y) - Math.Max(D.Y, G.Y);
                if (h <= 0) continue;
                var inter = w * h;
                var union = G.IsCrowd ? da : da + ga - inter;
                iou[i * g + j] = inter / union;
            }
        }
    }

    /// <summary>
    /// Evaluates one category over all images. <paramref name="gtCells"/>/<paramref name="dtCells"/> give
    /// each image's annotations and detections of this category (file order).
    /// </summary>
    public static CategoryEval Category(CocoParams p, long categoryId, IReadOnlyList<long> imageIds,
                                        Func<int, ReadOnlyMemory<CocoAnnotation>> gtCells, Func<int, ReadOnlyMemory<CocoDetection>> dtCells,
                                        List<CocoEvalImage>? details)
    {
        var maxDet = p.MaxDets[^1];
        var T = p.IouThresholds.Length;
        var A = p.AreaRanges.Length;
        var total = 0;
        for (var i = 0; i < imageIds.Count; i++) total += Math.Min(dtCells(i).Length, maxDet);
        var result = new CategoryEval(total, A, T);

        var offset = 0;
        var order = new List<int>();
        var iou = new List<double>();
        for (var i = 0; i < imageIds.Count; i++)
        {
            var gts = gtCells(i).Span;
            var dtsAll = dtCells(i).Span;
            if (gts.Length == 0 && dtsAll.Length == 0) continue; // evaluateImg returns None
            foreach (var area in result.Areas) area.HasImages = true;

            // Detections by descending score, stable (mergesort), cut to maxDets[-1].
            order.Clear();
            for (var d = 0; d < dtsAll.Length; d++) order.Add(d);
            var scores = dtsAll.ToArray();
            order.Sort((a, b) => { var c = scores[b].Score.CompareTo(scores[a].Score); return c != 0 ? c : a.CompareTo(b); });
            var D = Math.Min(order.Count, maxDet);
            var dts = new CocoDetection[D];
            for (var d = 0; d < D; d++) dts[d] = dtsAll[order[d]];
            var G = gts.Length;
            var ious = new double[D * G];
            Iou(dts, gts, ious);
            for (var d = 0; d < D; d++)
            {
                result.Scores[offset + d] = dts[d].Score;
                result.RankInImage[offset + d] = d;
            }
            for (var a = 0; a < A; a++)
                MatchImage(p, a, dts, gts, ious, result.Areas[a], offset, total, imageIds[i], categoryId, details);
            offset += D;
        }
        return result;
    }

    /// <summary>evaluateImg for one image and area range: greedy matching per IoU threshold.</summary>
    private static void MatchImage(CocoParams p, int a, CocoDetection[] dts, ReadOnlySpan<CocoAnnotation> gtsInFileOrder, double[] ious,
                                   CategoryAreaEval into, int offset, int stride, long imageId, long categoryId, List<CocoEvalImage>? details)
    {
        var (lo, hi) = p.AreaRanges[a];
        var G = gtsInFileOrder.Length;
        var D = dts.Length;
        var T = p.IouThresholds.Length;
        // Ground truth sorted by ignore flag, non-ignored first (stable). 'ignore' = iscrowd (pycocotools
        // overwrites any 'ignore' field), or the annotation's area field outside the range.
        Span<int> gtOrder = G <= 256 ? stackalloc int[G] : new int[G];
        Span<bool> gtIgnore = G <= 256 ? stackalloc bool[G] : new bool[G];
        var k = 0;
        for (var pass = 0; pass < 2; pass++)
            for (var g = 0; g < G; g++)
            {
                var ann = gtsInFileOrder[g];
                var ignore = ann.IsCrowd || ann.Area < lo || ann.Area > hi;
                if (ignore == (pass == 1)) { gtOrder[k] = g; gtIgnore[k] = ignore; k++; }
            }
        for (var g = 0; g < G; g++) if (!gtIgnore[g]) into.NonIgnoredGt++;

        var gtMatch = new long[T, G];
        var dtMatch = details != null ? new long[T, D] : null;
        for (var t = 0; t < T; t++)
        {
            var threshold = p.IouThresholds[t];
            for (var d = 0; d < D; d++)
            {
                var best = Math.Min(threshold, 1 - 1e-10);
                var m = -1;
                for (var g = 0; g < G; g++)
                {
                    var gt = gtsInFileOrder[gtOrder[g]];
                    // a matched ground truth is taken, unless it is a crowd region
                    if (gtMatch[t, g] > 0 && !gt.IsCrowd) continue;
                    // matched to a regular ground truth and reached the ignored ones: stop
                    if (m > -1 && !gtIgnore[m] && gtIgnore[g]) break;
                    var v = ious[d * G + gtOrder[g]];
                    if (v < best) continue;
                    best = v;
                    m = g;
                }
                var cell = t * stride + offset + d;
                if (m == -1) continue;
                var gtId = gtsInFileOrder[gtOrder[m]].Id;
                into.Ignored[cell] = gtIgnore[m];
                into.Matched[cell] = gtId != 0; // matches are stored as ids; id 0 reads as "unmatched" (pycocotools quirk)
                gtMatch[t, m] = dts[d].Id;
                if (dtMatch != null) dtMatch[t, d] = gtId;
            }
        }
        // Unmatched detections outside the area range are ignored (pycocotools uses dtm == 0, so id-0 matches too).
        for (var d = 0; d < D; d++)
        {
            var outside = dts[d].Area < lo || dts[d].Area > hi;
            if (!outside) continue;
            for (var t = 0; t < T; t++)
            {
                var cell = t * stride + offset + d;
                if (!into.Matched[cell]) into.Ignored[cell] = true;
            }
        }

        if (details != null)
        {
            var dtIgnore = new bool[T, D];
            for (var t = 0; t < T; t++)
                for (var d = 0; d < D; d++) dtIgnore[t, d] = into.Ignored[t * stride + offset + d];
            var gtIds = new long[G];
            var ignoreFlags = new bool[G];
            for (var g = 0; g < G; g++) { gtIds[g] = gtsInFileOrder[gtOrder[g]].Id; ignoreFlags[g] = gtIgnore[g]; }
            lock (details)
                details.Add(new CocoEvalImage(imageId, categoryId, p.AreaRanges[a], p.MaxDets[^1], dts.Select(x => x.Id).ToArray(), gtIds,
                                              dtMatch!, gtMatch, dts.Select(x => x.Score).ToArray(), ignoreFlags, dtIgnore));
        }
    }
}
