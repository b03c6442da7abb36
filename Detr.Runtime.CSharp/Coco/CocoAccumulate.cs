namespace Detr.Runtime.Coco;

// COCO bbox evaluation, phase 2 — pycocotools' accumulate(): per category, area range and max-detections,
// the precision at 101 recall thresholds (monotone envelope) and the final recall, for each IoU threshold.

/// <summary>precision [T, R, K, A, M] and recall [T, K, A, M], −1 where there is nothing to evaluate.</summary>
public sealed class CocoAccumulation
{
    public CocoAccumulation(int t, int r, int k, int a, int m)
    {
        (T, R, K, A, M) = (t, r, k, a, m);
        Precision = new double[t * r * k * a * m];
        Recall = new double[t * k * a * m];
        Array.Fill(Precision, -1);
        Array.Fill(Recall, -1);
    }

    public int T { get; }
    public int R { get; }
    public int K { get; }
    public int A { get; }
    public int M { get; }

    public double[] Precision { get; }

    public double[] Recall { get; }

    public int PrecisionIndex(int t, int r, int k, int a, int m) => (((t * R + r) * K + k) * A + a) * M + m;

    public int RecallIndex(int t, int k, int a, int m) => ((t * K + k) * A + a) * M + m;
}

internal static class CocoAccumulate
{
    /// <summary>np.spacing(1): the gap between 1 and the next double, added to tp + fp.</summary>
    private const double Spacing1 = 2.220446049250313e-16;

    /// <summary>Fills category k of <paramref name="into"/> from its evaluation.</summary>
    public static void Category(CocoParams p, int k, CategoryEval eval, CocoAccumulation into)
    {
        var n = eval.Scores.Length;
        var T = into.T;
        for (var m = 0; m < into.M; m++)
        {
            var maxDet = p.MaxDets[m];
            // Detections kept for this limit, in evaluation order (images ascending), then a stable sort by
            // descending score across images (mergesort in pycocotools).
            var kept = new List<int>(n);
            for (var i = 0; i < n; i++) if (eval.RankInImage[i] < maxDet) kept.Add(i);
            var sorted = kept.ToArray();
            var keys = sorted.Select(i => -eval.Scores[i]).ToArray();
            StableSortByKey(keys, sorted);
            var nd = sorted.Length;
            var rc = new double[nd];
            var pr = new double[nd];

            for (var a = 0; a < into.A; a++)
            {
                var area = eval.Areas[a];
                if (!area.HasImages) continue;
                var npig = area.NonIgnoredGt;
                if (npig == 0) continue;
                for (var t = 0; t < T; t++)
                {
                    double tp = 0, fp = 0;
                    var row = t * n;
                    for (var j = 0; j < nd; j++)
                    {
                        var d = sorted[j];
                        if (!area.Ignored[row + d])
                        {
                            if (area.Matched[row + d]) tp++;
                            else fp++;
                        }
                        rc[j] = tp / npig;
                        pr[j] = tp / (fp + tp + Spacing1);
                    }
                    into.Recall[into.RecallIndex(t, k, a, m)] = nd > 0 ? rc[nd - 1] : 0;
                    // Monotone envelope: precision made non-increasing from the right.
                    for (var j = nd - 1; j > 0; j--)
                        if (pr[j] > pr[j - 1]) pr[j - 1] = pr[j];
                    // q[r] = pr[searchsorted(rc, recThrs[r], 'left')]; thresholds past the last recall stay 0.
                    var index = 0;
                    for (var r = 0; r < into.R; r++)
                    {
                        var threshold = p.RecallThresholds[r];
                        while (index < nd && rc[index] < threshold) index++;
                        into.Precision[into.PrecisionIndex(t, r, k, a, m)] = index < nd ? pr[index] : 0;
                        if (index >= nd)
                            for (var rest = r + 1; rest < into.R; rest++) into.Precision[into.PrecisionIndex(t, rest, k, a, m)] = 0;
                        if (index >= nd) break;
                    }
                }
            }
        }
    }

    /// <summary>Stable sort of <paramref name="items"/> by <paramref name="keys"/> (ties keep their order).</summary>
    private static void StableSortByKey(double[] keys, int[] items)
    {
        var order = Enumerable.Range(0, items.Length).ToArray();
        Array.Sort(order, (x, y) => { var c = keys[x].CompareTo(keys[y]); return c != 0 ? c : x.CompareTo(y); });
        var copy = (int[])items.Clone();
        for (var i = 0; i < order.Length; i++) items[i] = copy[order[i]];
    }
}
