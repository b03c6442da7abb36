namespace Detr.Runtime.Matching;

/// <summary>One image's one-to-one match: prediction i ↔ target j, predictions ascending.</summary>
public sealed record ImageMatch(int[] PredIdx, int[] TgtIdx)
{
    public static readonly ImageMatch Empty = new([], []);

    public int Count => PredIdx.Length;
}

/// <summary>A cost matrix that cannot be solved because training produced NaN or ±∞.</summary>
public sealed class NonFiniteCostException(int image, int nanCount, int infCount)
    : Exception($"matching cost of image {image} has {nanCount} NaN and {infCount} infinite entries (training diverged?)")
{
    public int Image { get; } = image;
    public int NanCount { get; } = nanCount;
    public int InfCount { get; } = infCount;
}

/// <summary>
/// Exact Hungarian matching for a whole batch on the host: the [B, Q, T_max] cost block (one copy from
/// the device) is solved image by image, in parallel, each on its own [Q, T_b] sub-block. The reference
/// (detr/models/matcher.py) builds the cost for the batch cross product [B·Q, ΣT] and calls scipy per
/// image; the per-image blocks are identical (fixtures README §5a), so results are the same.
/// </summary>
public static class BatchedHungarian
{
    /// <summary>
    /// <paramref name="cost"/> is [B, Q, T_max] row-major float32; image b uses its first
    /// <c>targets[b]</c> columns. Returns one <see cref="ImageMatch"/> per image.
    /// </summary>
    public static ImageMatch[] Solve(ReadOnlySpan<float> cost, int batch, int queries, int maxTargets,
                                     IReadOnlyList<int> targets, int maxDegreeOfParallelism = -1) =>
        Solve(cost.ToArray(), batch, queries, maxTargets, targets, maxDegreeOfParallelism);

    /// <summary>As above, on an array the caller hands over (no copy).</summary>
    public static ImageMatch[] Solve(float[] costs, int batch, int queries, int maxTargets,
                                     IReadOnlyList<int> targets, int maxDegreeOfParallelism = -1)
    {
        if (targets.Count != batch) throw new ArgumentException($"{targets.Count} target counts for a batch of {batch}");
        if (costs.Length != (long)batch * queries * maxTargets)
            throw new ArgumentException($"cost has {costs.Length} values, expected [{batch}, {queries}, {maxTargets}]");
        for (var b = 0; b < batch; b++)
            if (targets[b] < 0 || targets[b] > maxTargets)
                throw new ArgumentException($"image {b} has {targets[b]} targets, outside 0..{maxTargets}");

        var results = new ImageMatch[batch];
        var failures = new NonFiniteCostException?[batch];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, batch, options,
            () => new Worker(queries, maxTargets),
            (b, _, worker) =>
            {
                results[b] = worker.SolveImage(costs, b, queries, maxTargets, targets[b], out failures[b]);
                return worker;
            },
            _ => { });
        foreach (var failure in failures)
            if (failure != null) throw failure; // the first image in batch order, deterministically
        return results;
    }

    /// <summary>Per-thread scratch, allocated once per thread per call.</summary>
    private sealed class Worker(int queries, int maxTargets)
    {
        private readonly double[] block = new double[queries * maxTargets];
        private readonly LinearAssignment.Scratch scratch = new(Math.Min(queries, maxTargets), Math.Max(queries, maxTargets));
        private readonly int[] rows = new int[Math.Min(queries, maxTargets)];
        private readonly int[] cols = new int[Math.Min(queries, maxTargets)];

        public ImageMatch SolveImage(float[] costs, int b, int queries, int maxTargets, int t, out NonFiniteCostException? failure)
        {
            failure = null;
            if (t == 0 || queries == 0) return ImageMatch.Empty;
            // Gather the sub-block as float64 (scipy converts float32 to float64 too). With t ≤ Q the
            // targets are the rows ([t, Q]), the orientation scipy's solver uses after its transpose and the
            // one DeviceHungarian uses, so both break ties identically; otherwise [Q, t].
            var targetsAsRows = t <= queries;
            int nan = 0, inf = 0;
            var src = b * queries * maxTargets;
            for (var q = 0; q < queries; q++)
            {
                var rowStart = src + q * maxTargets;
                for (var j = 0; j < t; j++)
                {
                    var x = costs[rowStart + j];
                    if (float.IsNaN(x)) nan++;
                    else if (float.IsInfinity(x)) inf++;
                    block[targetsAsRows ? j * queries + q : q * t + j] = x;
                }
            }
            if (nan + inf > 0)
            {
                failure = new NonFiniteCostException(b, nan, inf);
                return ImageMatch.Empty;
            }
            var n = Math.Min(queries, t);
            var status = targetsAsRows
                ? LinearAssignment.Solve(block.AsSpan(0, queries * t), t, queries, scratch, rows, cols)
                : LinearAssignment.Solve(block.AsSpan(0, queries * t), queries, t, scratch, rows, cols);
            if (status != LinearAssignment.Status.Ok) // unreachable for finite costs; kept as a guard
                throw new InvalidOperationException($"assignment of image {b} failed: {status}");
            if (targetsAsRows)
            {
                // rows are targets, cols predictions: report predictions ascending.
                var pred = cols.AsSpan(0, n).ToArray();
                var tgt = rows.AsSpan(0, n).ToArray();
                Array.Sort(pred, tgt);
                return new ImageMatch(pred, tgt);
            }
            return new ImageMatch(rows.AsSpan(0, n).ToArray(), cols.AsSpan(0, n).ToArray());
        }
    }
}
