using Detr.Runtime.Boxes;
using Detr.Torch;

namespace Detr.Runtime.Matching;

/// <summary>Where the assignment is solved: host (parallel exact solver), device (batched tensor solver) or auto.</summary>
public enum SolverKind { Host, Device, Auto }

/// <summary>
/// DETR's one-to-one matching (Carion et al., ECCV 2020, §3.1): the cost block for the whole batch on the
/// predictions' device, then an exact minimum-cost assignment per image. Validates inputs first, so a
/// diverged model or a broken annotation is reported by image and index instead of a wrong match.
/// </summary>
public sealed class HungarianMatcher(MatchCostConfig cost, SolverKind solver = SolverKind.Auto)
{
    public MatchCostConfig Cost { get; } = cost;

    public SolverKind Solver { get; } = solver;

    /// <summary>Time spent in the last call, for `detr bench matcher` and `detr bench step`.</summary>
    public (TimeSpan Cost, TimeSpan Assign) LastTimings { get; private set; }

    public ImageMatch[] Match(SetPrediction prediction, PaddedTargets targets)
    {
        try
        {
            return Solve(prediction, targets);
        }
        catch (NonFiniteCostException)
        {
            CheckPredictions(prediction); // names the image and counts when the predictions themselves diverged
            throw;
        }
    }

    private ImageMatch[] Solve(SetPrediction prediction, PaddedTargets targets)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var scope = DisposeScope.Enter();
        var cost = MatchCost.Compute(prediction, targets, Cost);          // [B, Q, T_max]
        var useDevice = Solver == SolverKind.Device || (Solver == SolverKind.Auto && DeviceHungarian.Preferred(cost.Device));
        ImageMatch[] result;
        TimeSpan costTime;
        if (useDevice && targets.MaxCount <= prediction.Queries)
        {
            costTime = watch.Elapsed;
            result = DeviceHungarian.Solve(cost, targets.Counts);
        }
        else
        {
            // The one copy to the host; float32 as the reference hands scipy (a float64 model's costs are rounded).
            var host = cost.To(Device.Cpu).To(DType.Float32).ToArray<float>();
            costTime = watch.Elapsed;
            result = BatchedHungarian.Solve(host, prediction.Batch, prediction.Queries, targets.MaxCount, targets.Counts);
        }
        LastTimings = (costTime, watch.Elapsed - costTime);
        return result;
    }

    /// <summary>NaN or infinite predictions are reported per image with counts (the usual sign of divergence).</summary>
    public static void CheckPredictions(SetPrediction prediction)
    {
        using var scope = DisposeScope.Enter();
        var badLogits = (!prediction.Logits.IsFinite()).Flatten(1).Sum(1).ToArray<long>();
        var badBoxes = (!prediction.Boxes.IsFinite()).Flatten(1).Sum(1).ToArray<long>();
        for (var b = 0; b < badLogits.Length; b++)
            if (badLogits[b] + badBoxes[b] > 0)
                throw new NonFinitePredictionException(b, badLogits[b], badBoxes[b]);
    }

    /// <summary>Ground-truth boxes must have positive width and height; the first bad one is named.</summary>
    public static void CheckTargets(IReadOnlyList<ImageTargets> targets)
    {
        for (var b = 0; b < targets.Count; b++)
        {
            if (targets[b].Count == 0) continue;
            using var scope = DisposeScope.Enter();
            var xyxy = BoxOps.CxcywhToXyxy(targets[b].Boxes);
            var bad = BoxOps.Degenerate(xyxy, allowEmpty: false);
            if (bad.Length > 0)
            {
                var box = targets[b].Boxes.Select(0, bad[0]).To(DType.Float64).ToArray<double>();
                throw new DegenerateBoxException("target", b, bad[0], $"cx, cy, w, h = {string.Join(", ", box.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))}");
            }
        }
    }
}

/// <summary>Predictions holding NaN or ±∞, by image.</summary>
public sealed class NonFinitePredictionException(int image, long logits, long boxes)
    : Exception($"predictions of image {image} hold {logits} non-finite logits and {boxes} non-finite box values (training diverged?)")
{
    public int Image { get; } = image;
}
