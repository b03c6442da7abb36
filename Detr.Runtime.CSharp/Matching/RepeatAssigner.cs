namespace Detr.Runtime.Matching;

/// <summary>
/// H-DETR's one-to-many rule (Jia et al., CVPR 2023, §3.1; HDETR models/deformable_detr.py): the targets
/// are repeated <see cref="K"/> times and the one-to-many query group is matched to the repeated set
/// with the exact Hungarian solver, so each target receives up to K predictions. The repeated cost
/// columns are copies, so the matching is computed on the [Q, K·T] block built from the [Q, T] one;
/// the target indices returned are those of the original targets (0..T−1).
/// </summary>
public sealed record RepeatAssigner(int K)
{
    /// <summary><paramref name="cost"/> is the [B, Q, T_max] block of the one-to-many queries.</summary>
    public ImageMatch[] Assign(ReadOnlySpan<float> cost, int batch, int queries, int maxTargets, IReadOnlyList<int> targets)
    {
        if (K < 1) throw new ArgumentException($"repeat k must be >= 1, got {K}");
        var repeatedMax = maxTargets * K;
        var repeated = new float[batch * queries * repeatedMax];
        for (var b = 0; b < batch; b++)
        {
            var t = targets[b];
            for (var q = 0; q < queries; q++)
            {
                var src = (b * queries + q) * maxTargets;
                var dst = (b * queries + q) * repeatedMax;
                for (var r = 0; r < K; r++)
                    cost.Slice(src, t).CopyTo(repeated.AsSpan(dst + r * t, t)); // copy r of the image's targets
            }
        }
        var repeatedTargets = targets.Select(t => t * K).ToArray();
        var matches = BatchedHungarian.Solve(repeated, batch, queries, repeatedMax, repeatedTargets);
        return matches.Select((m, b) => new ImageMatch(m.PredIdx, m.TgtIdx.Select(j => j % Math.Max(targets[b], 1)).ToArray())).ToArray();
    }
}
