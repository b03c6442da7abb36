using Detr.Torch;

namespace Detr.Runtime.Matching;

/// <summary>
/// The exact Hungarian solver of <see cref="LinearAssignment"/> (shortest augmenting paths with duals,
/// Crouse 2016) run for the whole batch at once as tensor ops on the cost's device: one Dijkstra step of
/// every image per iteration, images that finished waiting for the others. It follows the host solver
/// step for step in float64 — same orientation (targets as rows), same arithmetic order, same tie rule
/// (lowest reduced cost, then a free column, then the lowest index) — so both return identical
/// assignments, ties included. Requires T_max ≤ Q (the matcher uses the host solver otherwise).
/// </summary>
public static class DeviceHungarian
{
    /// <summary>
    /// Whether "auto" picks this solver for a device. On the CPU the host solver is far faster (measured by
    /// `detr bench matcher`); on CUDA it has not been measured here yet, so auto stays on the host.
    /// </summary>
    public static bool Preferred(Device device) => false;

    /// <param name="cost">[B, Q, T_max] on any device; image b uses its first counts[b] columns.</param>
    public static ImageMatch[] Solve(Tensor cost, IReadOnlyList<int> counts)
    {
        using var grad = LibTorch.NoGrad();
        using var scope = DisposeScope.Enter();
        var shape = cost.Shape;
        var (b, n, r) = ((int)shape[0], shape[1], (int)shape[2]); // n = queries (columns), r = max targets (rows)
        if (counts.Count != b) throw new ArgumentException($"{counts.Count} target counts for a batch of {b}");
        if (r > n) throw new ArgumentException($"the device solver needs T_max ({r}) <= Q ({n})");
        var device = cost.Device;
        var c = cost.Transpose(1, 2).To(DType.Float64).Contiguous();     // [B, R, N]
        var nonFinite = (!c.IsFinite()).Flatten(1).Sum(1).ToArray<long>();
        for (var i = 0; i < b; i++)
            if (counts[i] > 0 && nonFinite[i] > 0)
            {
                // Count within the image's own columns only, as the host solver does.
                using var block = c.Select(0, i).Narrow(0, 0, counts[i]);
                using var nan = block.IsNan().Sum();
                using var inf = block.IsInf().Sum();
                if (nan.ItemInt64() + inf.ItemInt64() > 0) throw new NonFiniteCostException(i, (int)nan.ItemInt64(), (int)inf.ItemInt64());
            }

        var batch = Tensor.Arange(b, DType.Int64, device);
        var countT = Tensor.From(counts.Select(x => (long)x).ToArray()).To(device);
        var rowIds = Tensor.Arange(r, DType.Int64, device).Unsqueeze(0);                   // [1, R]
        var u = Tensor.Zeros([b, r], DType.Float64, device);
        var v = Tensor.Zeros([b, n], DType.Float64, device);
        var col4row = Tensor.Full([b, r], -1, DType.Int64, device);
        var row4col = Tensor.Full([b, n], -1, DType.Int64, device);
        var maxCount = counts.DefaultIfEmpty(0).Max();

        for (var current = 0; current < maxCount; current++)
        {
            using var step = DisposeScope.Enter();
            var active = countT.Gt(current);                                               // [B]
            var spc = Tensor.Full([b, n], double.PositiveInfinity, DType.Float64, device);
            var path = Tensor.Full([b, n], -1, DType.Int64, device);
            var visitedRow = Tensor.Zeros([b, r], DType.Bool, device);
            var visitedCol = Tensor.Zeros([b, n], DType.Bool, device);
            var minVal = Tensor.Zeros([b], DType.Float64, device);
            var row = Tensor.Full([b], current, DType.Int64, device);
            var done = !active;
            var sink = Tensor.Full([b], -1, DType.Int64, device);

            // Dijkstra over all images in lock step until each reached a free column.
            while (true)
            {
                using var inner = DisposeScope.Enter();
                var going = !done;
                var rowCol = row.Unsqueeze(1);
                visitedRow.IndexPut_([batch, row], visitedRow.Index(batch, row) | going);
                var reduced = minVal.Unsqueeze(1) + c.Index(batch, row) - u.Gather(1, rowCol) - v;   // [B, N]
                var update = reduced.Lt(spc) & !visitedCol & going.Unsqueeze(1);
                path = inner.MoveOut(Tensor.Where(update, rowCol.Expand(b, n), path));
                spc = inner.MoveOut(Tensor.Where(update, reduced, spc));
                var candidates = spc.MaskedFill(visitedCol, double.PositiveInfinity);
                var lowest = candidates.Amin([1]);                                              // [B]
                var isMin = candidates.Eq(lowest.Unsqueeze(1));
                var freeMin = isMin & row4col.Eq(-1);
                var column = Tensor.Where(freeMin.Any(1), freeMin.To(DType.UInt8).Argmax(1), isMin.To(DType.UInt8).Argmax(1));
                minVal = inner.MoveOut(Tensor.Where(going, lowest, minVal));
                visitedCol.IndexPut_([batch, column], visitedCol.Index(batch, column) | going);
                var owner = row4col.Gather(1, column.Unsqueeze(1)).Squeeze(1);
                var isFree = owner.Eq(-1);
                sink = inner.MoveOut(Tensor.Where(going & isFree, column, sink));
                row = inner.MoveOut(Tensor.Where(going & !isFree, owner, row));
                done = inner.MoveOut(done | isFree);
                if (done.All().ToArray<bool>()[0]) break;
            }

            // Dual updates of the visited rows and columns (active images only).
            var activeF = active.To(DType.Float64);
            u.Select(1, current).Add_(minVal * activeF);
            var spcAtRow = spc.Gather(1, col4row.ClampMin(0));                                   // [B, R]
            var rowMask = visitedRow & rowIds.Ne(current) & active.Unsqueeze(1);
            u.Add_(Tensor.Where(rowMask, minVal.Unsqueeze(1) - spcAtRow, 0.0));
            var colMask = visitedCol & active.Unsqueeze(1);
            v.Sub_(Tensor.Where(colMask, minVal.Unsqueeze(1) - spc, 0.0));

            // Augment along each image's path from its sink back to the current row.
            var column2 = sink;
            var walking = active;
            while (walking.Any().ToArray<bool>()[0])
            {
                using var inner = DisposeScope.Enter();
                var jc = column2.ClampMin(0);
                var i = path.Gather(1, jc.Unsqueeze(1)).Squeeze(1);
                row4col.IndexPut_([batch, jc], Tensor.Where(walking, i, row4col.Index(batch, jc)));
                var ic = i.ClampMin(0);
                var previous = col4row.Gather(1, ic.Unsqueeze(1)).Squeeze(1);
                col4row.IndexPut_([batch, ic], Tensor.Where(walking, column2, col4row.Index(batch, ic)));
                column2 = inner.MoveOut(Tensor.Where(walking, previous, column2));
                walking = inner.MoveOut(walking & i.Ne(current));
            }
        }

        var assigned = col4row.To(Device.Cpu).ToArray<long>();
        var result = new ImageMatch[b];
        for (var i = 0; i < b; i++)
        {
            var t = counts[i];
            var pred = new int[t];
            var tgt = new int[t];
            for (var k = 0; k < t; k++)
            {
                pred[k] = (int)assigned[i * r + k];
                tgt[k] = k;
            }
            Array.Sort(pred, tgt);
            result[i] = t == 0 ? ImageMatch.Empty : new ImageMatch(pred, tgt);
        }
        return result;
    }
}
