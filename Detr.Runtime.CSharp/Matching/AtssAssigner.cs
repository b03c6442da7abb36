namespace Detr.Runtime.Matching;

/// <summary>
/// Adaptive Training Sample Selection (Zhang et al., CVPR 2020, §3.2; mmdet's ATSSAssigner, used by
/// Co-DETR's auxiliary ATSS head): for each target, the <see cref="TopK"/> anchors per pyramid level
/// whose centres are closest to the target's centre are candidates; the IoU threshold is the mean plus
/// the (unbiased) standard deviation of the candidates' IoUs; candidates at or above it whose centre lies
/// inside the target (by more than 0.01, as mmdet) are positive; an anchor positive for several targets
/// goes to the one with the highest IoU. Distance ties go to the lower anchor index.
/// </summary>
public sealed record AtssAssigner(int TopK = 9)
{
    /// <param name="anchors">[N, 4] xyxy, levels concatenated in order.</param>
    /// <param name="anchorsPerLevel">anchor count of each level (sums to N).</param>
    /// <param name="targets">[M, 4] xyxy.</param>
    /// <param name="iou">[M, N] IoU of every target with every anchor.</param>
    public Assignment Assign(ReadOnlySpan<float> anchors, IReadOnlyList<int> anchorsPerLevel, ReadOnlySpan<float> targets, QualityMatrix iou)
    {
        var n = anchors.Length / 4;
        var m = targets.Length / 4;
        if (anchorsPerLevel.Sum() != n) throw new ArgumentException($"levels hold {anchorsPerLevel.Sum()} anchors, but {n} were given");
        if (iou.Targets != m || iou.Predictions != n) throw new ArgumentException($"IoU is [{iou.Targets}, {iou.Predictions}], expected [{m}, {n}]");
        var bestIou = new float[n];
        var labels = new int[n];
        Array.Fill(labels, Assignment.Background);
        Array.Fill(bestIou, float.NegativeInfinity);
        if (m == 0 || n == 0) return Assignment.FromLabels(labels);

        var anchorCx = new float[n];
        var anchorCy = new float[n];
        for (var a = 0; a < n; a++)
        {
            anchorCx[a] = (anchors[4 * a] + anchors[4 * a + 2]) / 2;
            anchorCy[a] = (anchors[4 * a + 1] + anchors[4 * a + 3]) / 2;
        }

        var candidates = new List<int>();
        var distance = new float[n];
        var order = new int[n];
        for (var t = 0; t < m; t++)
        {
            float x1 = targets[4 * t], y1 = targets[4 * t + 1], x2 = targets[4 * t + 2], y2 = targets[4 * t + 3];
            float cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
            for (var a = 0; a < n; a++)
            {
                var dx = anchorCx[a] - cx;
                var dy = anchorCy[a] - cy;
                distance[a] = MathF.Sqrt(dx * dx + dy * dy);
            }

            // Candidates: the TopK closest anchors of each level.
            candidates.Clear();
            var start = 0;
            foreach (var count in anchorsPerLevel)
            {
                for (var i = 0; i < count; i++) order[i] = start + i;
                Array.Sort(order, 0, count, Comparer<int>.Create((a, b) =>
                {
                    var byDistance = distance[a].CompareTo(distance[b]);
                    return byDistance != 0 ? byDistance : a.CompareTo(b);
                }));
                for (var i = 0; i < Math.Min(TopK, count); i++) candidates.Add(order[i]);
                start += count;
            }

            // Adaptive threshold: mean + unbiased std of the candidates' IoUs (torch.std default).
            double mean = 0;
            foreach (var a in candidates) mean += iou[t, a];
            mean /= candidates.Count;
            double variance = 0;
            foreach (var a in candidates) variance += (iou[t, a] - mean) * (iou[t, a] - mean);
            var std = candidates.Count > 1 ? Math.Sqrt(variance / (candidates.Count - 1)) : double.NaN;
            var threshold = (float)(mean + std);

            foreach (var a in candidates)
            {
                var q = iou[t, a];
                var inside = Math.Min(Math.Min(anchorCx[a] - x1, anchorCy[a] - y1), Math.Min(x2 - anchorCx[a], y2 - anchorCy[a])) > 0.01f;
                // An anchor claimed by several targets keeps the highest IoU (first target on ties).
                if (q >= threshold && inside && q > bestIou[a])
                {
                    bestIou[a] = q;
                    labels[a] = t;
                }
            }
        }
        return Assignment.FromLabels(labels);
    }
}
