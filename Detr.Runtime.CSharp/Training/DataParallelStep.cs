using Detr.Dsl;
using Detr.Models;
using Detr.Runtime.Data;
using Detr.Runtime.Losses;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Training;

/// <summary>
/// One batch's forward, losses and gradients split over data-parallel replicas on the CPU (train.replicas):
/// a 2-core machine runs the small operators of a tiny model one thread each far better than both threads on
/// each operator. As DistributedDataParallel with one process per share of the batch:
/// <list type="bullet">
/// <item>replica r runs the shared model on images [r·B/R, (r+1)·B/R) of the batch (padded to the whole batch's
/// size, as one process would);</item>
/// <item>batch norm normalises each share with its own statistics, and only replica 0's share updates the
/// running statistics (<see cref="RunningStatistics"/>; DDP's broadcast_buffers);</item>
/// <item>every term is divided by the whole batch's normaliser (num_boxes over all shares, as detr's engine
/// all-reduces it; <see cref="ReplicaLosses"/>), so the loss is the one-process loss;</item>
/// <item>each replica's gradients come from torch.autograd.grad and are summed into .grad in replica order, so
/// the result does not depend on which thread finishes first.</item>
/// </list>
/// Dropout is refused by the checker (DSL026): replicas would draw masks from one generator in a racing order.
/// </summary>
public sealed class DataParallelStep : IDisposable
{
    private readonly Detector model;
    private readonly Plan plan;
    private readonly SetCriterion criterion;
    private readonly IReadOnlyList<Tensor> trainable;
    private readonly ReplicaThreads threads;
    private readonly int previousThreads;
    private readonly int? previousBlasThreads;

    /// <summary>Starts the replica threads and gives libtorch and OpenBLAS one thread each until disposed.</summary>
    public DataParallelStep(Detector model, Plan plan, SetCriterion criterion, IReadOnlyList<Tensor> trainable, int replicas)
    {
        if (replicas < 2) throw new ArgumentOutOfRangeException(nameof(replicas), "a data-parallel step needs at least 2 replicas");
        this.model = model;
        this.plan = plan;
        this.criterion = criterion;
        this.trainable = trainable;
        previousThreads = LibTorch.Threads;
        previousBlasThreads = LibTorch.BlasThreads;
        OneThreadEach();
        threads = new ReplicaThreads(replicas);
    }

    public int Replicas => threads.Count;

    /// <summary>
    /// Gives this thread's operators (and OpenBLAS) back the threads they had before the replicas took them,
    /// until disposed: the evaluation between epochs runs one forward at a time on the calling thread, which
    /// one thread would leave half the cores idle for.
    /// </summary>
    public IDisposable AllThreads()
    {
        LibTorch.Threads = previousThreads;
        LibTorch.BlasThreads = previousBlasThreads;
        return new Restore(OneThreadEach);
    }

    /// <summary>One libtorch intra-op thread on the calling thread, and one OpenBLAS thread.</summary>
    private static void OneThreadEach()
    {
        LibTorch.Threads = 1;
        LibTorch.BlasThreads = 1;
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>
    /// Forward and losses of every share, then — when the batch's loss is finite — their gradients
    /// (× <paramref name="lossScale"/>) added to the parameters' accumulated gradients. Returns the batch's
    /// weighted terms and their total ("loss"), as one process computes them; <paramref name="poison"/> makes
    /// the loss NaN (the divergence test's forced step). A non-finite prediction throws
    /// <see cref="NonFinitePredictionException"/> (image index within its share).
    /// </summary>
    public Dictionary<string, double> Run(Batch batch, Device device, double lossScale = 1, bool poison = false)
    {
        if (device.Type != DeviceType.Cpu) throw new InvalidOperationException("train.replicas > 1 runs on the CPU only; use replicas = 1 with --device cuda");
        using var scope = DisposeScope.Enter();
        var (images, mask) = batch.ImagesOn(device);                                     // [B, 3, H, W], [B, H, W]
        var b = batch.Count;
        var count = Math.Min(Replicas, b);
        var starts = Enumerable.Range(0, count + 1).Select(r => r * b / count).ToArray();
        var normalisers = new IReadOnlyDictionary<string, Normaliser>?[count];
        var values = new Dictionary<string, double>?[count];
        var grads = new Tensor?[count][];
        using var exchange = new Barrier(count);
        threads.Run(count, r =>
        {
            using var replicaScope = DisposeScope.Enter();
            using var frozen = r > 0 ? RunningStatistics.Freeze() : (IDisposable?)null;
            var (start, length) = (starts[r], starts[r + 1] - starts[r]);
            LossResult? losses = null;
            try
            {
                var output = model.Forward(images.Narrow(0, start, length), mask.Narrow(0, start, length), null);
                var targets = batch.Targets.Skip(start).Take(length).Select(t => new ImageTargets(t.Labels.To(device), t.Boxes.To(device))).ToList();
                losses = PlanCriterion.Losses(criterion, plan, output, targets, batch.Sizes[start..(start + length)]);
                normalisers[r] = losses.Normalisers;
            }
            finally
            {
                exchange.SignalAndWait();                                                // every share's normalisers, or its failure
            }
            using (losses)
            {
                if (normalisers.Any(n => n is null)) return;                            // another share failed: its exception is rethrown
                var factors = ReplicaLosses.Factors(normalisers!, r);
                var total = losses.Weighted(criterion, name => factors[name]);
                var own = new Dictionary<string, double>();
                foreach (var (name, term) in losses.Terms)
                    if (criterion.Weight(name) is { } w) own[name] = term.Item() * w * factors[name];
                if (poison && r == 0) total = total * double.NaN;
                own["loss"] = total.Item();
                values[r] = own;
                if (!double.IsFinite(own["loss"])) return;
                grads[r] = Autograd.Grad([lossScale == 1 ? total : total * lossScale], trainable, allowUnused: true);
                foreach (var g in grads[r]) if (g is not null) replicaScope.MoveOut(g);
            }
        });
        var batchValues = new Dictionary<string, double>();
        foreach (var own in values)
            foreach (var (name, v) in own!) batchValues[name] = batchValues.GetValueOrDefault(name) + v;
        if (double.IsFinite(batchValues["loss"])) Accumulate(grads);
        foreach (var g in grads.Where(g => g is not null).SelectMany(g => g!)) g?.Dispose();
        return batchValues;
    }

    /// <summary>
    /// The recipe's update with the replica threads: gradients clipped to a total norm of <paramref name="clip"/>
    /// (none when 0), then AdamW with each thread updating its run of the parameters — the same update as
    /// <see cref="PlanOptimizer.ClipAndStep"/>, to the bit.
    /// </summary>
    public void ClipAndStep(Detr.Torch.Optim.AdamW optimizer, double clip)
    {
        if (clip > 0) Detr.Torch.Optim.GradClip.ClipGradNorm(trainable, clip);
        threads.Run(Replicas, r => optimizer.Step(r, Replicas));
    }

    /// <summary>
    /// Each parameter's gradients summed in replica order (into a new tensor: autograd may hand back expanded
    /// or shared gradients), then set as, or added to, its accumulated gradient.
    /// </summary>
    private void Accumulate(Tensor?[]?[] grads)
    {
        using var noGrad = LibTorch.NoGrad();
        using var scope = DisposeScope.Enter();
        for (var i = 0; i < trainable.Count; i++)
        {
            var parts = grads.Select(replica => replica![i]).Where(g => g is not null).ToList();
            if (parts.Count == 0) continue;
            var sum = parts.Count == 1 ? parts[0]!.Contiguous() : parts[0]!.Add(parts[1]!);
            foreach (var g in parts.Skip(2)) sum.Add_(g!);
            using var existing = trainable[i].Grad;
            if (existing is null) trainable[i].SetGrad(sum);
            else existing.Add_(sum);
        }
    }

    public void Dispose()
    {
        threads.Dispose();
        LibTorch.Threads = previousThreads;
        LibTorch.BlasThreads = previousBlasThreads;
    }
}
