namespace Detr.Runtime.Coco;

// COCO bbox evaluation, phase 3 — pycocotools' summarize(): the 12 standard numbers.

/// <summary>The 12 summary statistics in pycocotools' order, −1 where nothing could be evaluated.</summary>
public sealed record CocoStats(double[] Values)
{
    public static readonly string[] Names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];

    public double this[string name] => Values[Array.IndexOf(Names, name)];

    public double AP => Values[0];

    /// <summary>The 12 lines pycocotools prints.</summary>
    public IEnumerable<string> Lines()
    {
        string Line(bool ap, string iou, string area, int maxDets, double value) =>
            string.Format(System.Globalization.CultureInfo.InvariantCulture, " {0,-18} {1} @[ IoU={2,-9} | area={3,6} | maxDets={4,3} ] = {5:0.000}",
                ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", iou, area, maxDets, value);
        yield return Line(true, "0.50:0.95", "all", 100, Values[0]);
        yield return Line(true, "0.50", "all", 100, Values[1]);
        yield return Line(true, "0.75", "all", 100, Values[2]);
        yield return Line(true, "0.50:0.95", "small", 100, Values[3]);
        yield return Line(true, "0.50:0.95", "medium", 100, Values[4]);
        yield return Line(true, "0.50:0.95", "large", 100, Values[5]);
        yield return Line(false, "0.50:0.95", "all", 1, Values[6]);
        yield return Line(false, "0.50:0.95", "all", 10, Values[7]);
        yield return Line(false, "0.50:0.95", "all", 100, Values[8]);
        yield return Line(false, "0.50:0.95", "small", 100, Values[9]);
        yield return Line(false, "0.50:0.95", "medium", 100, Values[10]);
        yield return Line(false, "0.50:0.95", "large", 100, Values[11]);
    }
}

internal static class CocoSummarize
{
    public static CocoStats Stats(CocoParams p, CocoAccumulation acc) => new([
        Mean(p, acc, ap: true, null, 0, 100),
        Mean(p, acc, ap: true, 0.5, 0, 100),
        Mean(p, acc, ap: true, 0.75, 0, 100),
        Mean(p, acc, ap: true, null, 1, 100),
        Mean(p, acc, ap: true, null, 2, 100),
        Mean(p, acc, ap: true, null, 3, 100),
        Mean(p, acc, ap: false, null, 0, 1),
        Mean(p, acc, ap: false, null, 0, 10),
        Mean(p, acc, ap: false, null, 0, 100),
        Mean(p, acc, ap: false, null, 1, 100),
        Mean(p, acc, ap: false, null, 2, 100),
        Mean(p, acc, ap: false, null, 3, 100),
    ]);

    /// <summary>
    /// Mean of the entries > −1 of precision (ap) or recall over the selected IoU threshold (all, or the
    /// one exactly equal to <paramref name="iou"/> — np.where(iouThr == p.iouThrs)), area and limit,
    /// restricted to category <paramref name="category"/> when given; −1 when there are none.
    /// </summary>
    public static double Mean(CocoParams p, CocoAccumulation acc, bool ap, double? iou, int area, int maxDets, int? category = null)
    {
        var m = Array.IndexOf(p.MaxDets, maxDets);
        var thresholds = Enumerable.Range(0, acc.T).Where(t => iou == null || p.IouThresholds[t] == iou.Value).ToArray();
        var categories = category.HasValue ? [category.Value] : Enumerable.Range(0, acc.K).ToArray();
        var values = new List<double>();
        // Element order as numpy's C order of s[s > -1]: precision t, r, k; recall t, k.
        foreach (var t in thresholds)
        {
            if (ap)
            {
                for (var r = 0; r < acc.R; r++)
                    foreach (var k in categories)
                    {
                        var v = acc.Precision[acc.PrecisionIndex(t, r, k, area, m)];
                        if (v > -1) values.Add(v);
                    }
            }
            else
            {
                foreach (var k in categories)
                {
                    var v = acc.Recall[acc.RecallIndex(t, k, area, m)];
                    if (v > -1) values.Add(v);
                }
            }
        }
        return values.Count == 0 ? -1 : PairwiseMean(values);
    }

    /// <summary>numpy's mean: pairwise summation (blocks of 8 below 128 elements) divided by the count.</summary>
    private static double PairwiseMean(List<double> values) => PairwiseSum(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values)) / values.Count;

    private static double PairwiseSum(ReadOnlySpan<double> a)
    {
        if (a.Length < 8)
        {
            var s = 0.0;
            foreach (var x in a) s += x;
            return s;
        }
        if (a.Length <= 128)
        {
            Span<double> r = stackalloc double[8];
            for (var j = 0; j < 8; j++) r[j] = a[j];
            var i = 8;
            for (; i < a.Length - a.Length % 8; i += 8)
                for (var j = 0; j < 8; j++) r[j] += a[i + j];
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < a.Length; i++) res += a[i];
            return res;
        }
        var half = a.Length / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }
}
