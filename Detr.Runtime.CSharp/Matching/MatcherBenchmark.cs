using System.Diagnostics;
using Detr.Runtime.Boxes;
using Detr.Torch;

namespace Detr.Runtime.Matching;

/// <summary>
/// `detr bench matcher`: milliseconds per batch for cost + assignment on random inputs with the fixtures'
/// distributions (logits 2·N(0,1), boxes sigmoid(N(0,1)), targets cx, cy ~ U(0.1, 0.9), w, h ~ U(0.02, 0.57)),
/// against a baseline measured in the same run: the reference's pattern (the cost of the whole batch cross
/// product [B·Q, ΣT], diagonal blocks kept, then per-image assignment), built from the same ops.
/// </summary>
public static class MatcherBenchmark
{
    public sealed record Result(double CostMs, double AssignMs, double TotalMs, double CrossProductMs, int Repeats)
    {
        public double SpeedupOverCrossProduct => CrossProductMs / TotalMs;
    }

    public static (SetPrediction Prediction, List<ImageTargets> Targets) RandomBatch(int batch, int queries, int targets, int logits, Device device, int seed)
    {
        LibTorch.ManualSeed((ulong)seed);
        var prediction = new SetPrediction((Tensor.Randn([batch, queries, logits]) * 2).To(device), Tensor.Randn([batch, queries, 4]).Sigmoid().To(device));
        var list = new List<ImageTargets>();
        for (var b = 0; b < batch; b++)
        {
            var centre = Tensor.Rand([targets, 2]) * 0.8 + 0.1;
            var size = Tensor.Rand([targets, 2]) * 0.55 + 0.02;
            list.Add(new ImageTargets(Tensor.Randint(0, Math.Max(1, logits - 1), [targets]).To(device), Tensor.Cat([centre, size], 1).To(device)));
        }
        return (prediction, list);
    }

    public static Result Run(int batch, int queries, int targets, int classes, ClassCost costKind, SolverKind solver, Device device, int repeats, int seed = 0)
    {
        using var scope = DisposeScope.Enter();
        var logits = costKind == ClassCost.Softmax ? classes + 1 : classes;
        var (prediction, list) = RandomBatch(batch, queries, targets, logits, device, seed);
        var config = costKind == ClassCost.Softmax ? MatchCostConfig.Detr : MatchCostConfig.DeformableDetr;
        var matcher = new HungarianMatcher(config, solver);
        using var padded = new PaddedTargets(list, device);

        void Sync() { if (device.IsCuda) Cuda.Synchronize(); }
        matcher.Match(prediction, padded); // warm-up
        CrossProduct(prediction, list, config);
        var costs = new List<double>();
        var assigns = new List<double>();
        var totals = new List<double>();
        var cross = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            Sync();
            var watch = Stopwatch.StartNew();
            matcher.Match(prediction, padded);
            Sync();
            totals.Add(watch.Elapsed.TotalMilliseconds);
            costs.Add(matcher.LastTimings.Cost.TotalMilliseconds);
            assigns.Add(matcher.LastTimings.Assign.TotalMilliseconds);
            watch.Restart();
            CrossProduct(prediction, list, config);
            Sync();
            cross.Add(watch.Elapsed.TotalMilliseconds);
        }
        static double Median(List<double> v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }
        return new Result(Median(costs), Median(assigns), Median(totals), Median(cross), repeats);
    }

    /// <summary>The reference's way: one [B·Q, ΣT] cost for the cross product of all predictions and all targets.</summary>
    private static void CrossProduct(SetPrediction prediction, List<ImageTargets> targets, MatchCostConfig config)
    {
        using var scope = DisposeScope.Enter();
        using var grad = LibTorch.NoGrad();
        var logits = prediction.Logits.Flatten(0, 1);                           // [B·Q, K]
        var boxes = prediction.Boxes.Flatten(0, 1);                             // [B·Q, 4]
        var ids = Tensor.Cat(targets.Select(t => t.Labels).ToList());           // [ΣT]
        var tgt = Tensor.Cat(targets.Select(t => t.Boxes).ToList());            // [ΣT, 4]
        Tensor cls;
        if (config.ClassCost == ClassCost.Softmax) cls = -Functional.Softmax(logits, -1).IndexSelect(1, ids);
        else
        {
            var p = logits.Sigmoid();
            var neg = 0.75 * p.Pow(2) * -(1 - p + 1e-8).Log();
            var pos = 0.25 * (1 - p).Pow(2) * -(p + 1e-8).Log();
            cls = pos.IndexSelect(1, ids) - neg.IndexSelect(1, ids);
        }
        var cost = boxes.Cdist(tgt, 1) * config.L1Weight + cls * config.ClassWeight
                   - BoxOps.GeneralizedIou(BoxOps.CxcywhToXyxy(boxes), BoxOps.CxcywhToXyxy(tgt)) * config.GiouWeight;
        var (b, q) = (prediction.Batch, prediction.Queries);
        var host = cost.View(b, q, -1).To(Device.Cpu).ToArray<float>();
        var total = (int)tgt.Size(0);
        var offset = 0;
        for (var i = 0; i < b; i++)
        {
            var t = targets[i].Count;
            var block = new double[q * t];
            for (var r = 0; r < q; r++)
                for (var c = 0; c < t; c++) block[r * t + c] = host[(i * q + r) * total + offset + c];
            LinearAssignment.Solve(block, q, t);
            offset += t;
        }
    }
}
