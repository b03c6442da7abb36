namespace Detr.Runtime.Matching;

/// <summary>
/// DETA's IoU assignment (Ouyang-Zhang et al., "NMS Strikes Back", 2022; jozhang97/DETA
/// models/assigner.py, Stage1Assigner / Stage2Assigner): max-IoU labels (detectron2 Matcher with
/// low-quality matches), then foreground-fraction sampling of <see cref="SamplesPerImage"/> predictions
/// (at most <c>int(SamplesPerImage · PositiveFraction)</c> positives, chosen at random with a seed),
/// then per-object top-k balancing: each target that kept c positives is given instead its c
/// (≤ <see cref="MaxPerTarget"/>) highest-IoU predictions among all predictions.
/// Stage 2 (decoder queries): thresholds [0.6], fraction 0.25, samples = number of queries, k = 4.
/// Stage 1 (encoder proposals): thresholds 0.3 / 0.7 (ignore between), fraction 0.5, 256 samples, k = 4.
/// Differences from the reference: our own seeded shuffle replaces <c>torch.randperm</c>, and IoU ties
/// in top-k go to the lower prediction index.
/// </summary>
public sealed record SampledIouAssigner(float Positive, float Negative, int SamplesPerImage, float PositiveFraction, int MaxPerTarget)
{
    /// <summary>DETA's decoder (stage 2) rule for <paramref name="queries"/> queries.</summary>
    public static SampledIouAssigner Stage2(int queries, float threshold = 0.6f, float fraction = 0.25f, int k = 4) =>
        new(threshold, threshold, queries, fraction, k);

    /// <summary>DETA's encoder-proposal (stage 1) rule.</summary>
    public static SampledIouAssigner Stage1(float high = 0.7f, float low = 0.3f, float fraction = 0.5f, int samples = 256, int k = 4) =>
        new(high, low, samples, fraction, k);

    public Assignment Assign(QualityMatrix iou, int seed)
    {
        if (PositiveFraction is < 0 or > 1) throw new ArgumentException($"positive fraction {PositiveFraction} outside [0, 1]");
        if (SamplesPerImage < 0 || MaxPerTarget < 1) throw new ArgumentException("samples must be >= 0 and k >= 1");
        var n = iou.Predictions;
        if (iou.Targets == 0 || n == 0) return Assignment.FromPairs([], [], n);

        var labels = new MaxIouAssigner(Positive, Negative, LowQuality: true).Assign(iou).PerPrediction;

        // Foreground sampling: a random subset of the positives, at most int(samples * fraction).
        var positives = Enumerable.Range(0, n).Where(p => labels[p] >= 0).ToArray();
        var keep = Math.Min(positives.Length, (int)(SamplesPerImage * PositiveFraction));
        Shuffle(positives, new Random(seed));
        var perTarget = new int[iou.Targets];
        for (var i = 0; i < keep; i++) perTarget[labels[positives[i]]]++;

        // Top-k balancing: target t gets its perTarget[t] best predictions by IoU (targets ascending,
        // as torch.unique sorts them; predictions by IoU descending).
        var pred = new List<int>();
        var tgt = new List<int>();
        var order = new int[n];
        for (var t = 0; t < iou.Targets; t++)
        {
            var c = Math.Min(perTarget[t], Math.Min(MaxPerTarget, n));
            if (c == 0) continue;
            for (var p = 0; p < n; p++) order[p] = p;
            var row = t;
            Array.Sort(order, (a, b) =>
            {
                var byIou = iou[row, b].CompareTo(iou[row, a]);
                return byIou != 0 ? byIou : a.CompareTo(b);
            });
            for (var i = 0; i < c; i++)
            {
                pred.Add(order[i]);
                tgt.Add(t);
            }
        }
        return Assignment.FromPairs([.. pred], [.. tgt], n);
    }

    private static void Shuffle(int[] items, Random rng)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
