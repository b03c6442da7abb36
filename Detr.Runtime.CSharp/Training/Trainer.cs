using System.Diagnostics;
using System.Text.Json.Nodes;
using Detr.Dsl;
using Detr.Models;
using Detr.Runtime.Coco;
using Detr.Runtime.Data;
using Detr.Runtime.Losses;
using Detr.Runtime.Matching;
using Detr.Torch;
using Detr.Torch.Optim;

namespace Detr.Runtime.Training;

public sealed record TrainOptions
{
    public required string OutDir { get; init; }

    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Continue from the latest checkpoint in <see cref="OutDir"/> (a fresh start when there is none).</summary>
    public bool Resume { get; init; }

    /// <summary>Epoch checkpoints kept besides best.safetensors.</summary>
    public int KeepLast { get; init; } = 2;

    /// <summary>A metrics record every this many optimizer steps.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Initial weights (applied on a fresh start only).</summary>
    public IReadOnlyList<string> Weights { get; init; } = [];

    public bool WeightsPartial { get; init; }

    /// <summary>Validation images drawn with their predictions in report.html.</summary>
    public int ReportImages { get; init; } = 6;

    /// <summary>A corrupt or missing image: skipped (logged once, counted, replaced by the next sample) or fatal.</summary>
    public BadImagePolicy OnBadImage { get; init; } = BadImagePolicy.Skip;

    /// <summary>Test hook: the loss of this optimizer step (1-based) is made NaN, to exercise divergence handling.</summary>
    public long? PoisonStep { get; init; }
}

/// <summary>What a caller shows while training runs.</summary>
public interface ITrainObserver
{
    void Started(TrainStart start);

    void Step(StepRecord step);

    void Evaluated(EvalRecord eval);

    void Message(string text);
}

public sealed record TrainStart(string Model, int Epochs, int StartEpoch, int BatchesPerEpoch, long Parameters, int TrainImages, int ValImages, bool Resumed);

public sealed record StepRecord(int Epoch, int Batch, int BatchesPerEpoch, long Step, double Lr, double Loss,
                                IReadOnlyDictionary<string, double> Terms, double ItemsPerSecond, TimeSpan Elapsed, TimeSpan Eta);

public sealed record EvalRecord(int Epoch, long Step, CocoStats Stats, bool Best);

/// <summary>Training stopped because a loss was not finite (train.skip_nonfinite = false).</summary>
public sealed class DivergedException(string message) : Exception(message);

/// <summary>
/// DETR's training loop (detr engine.py train_one_epoch and main.py): AdamW with two parameter groups
/// (backbone at its own learning rate, everything else at the recipe's; weight decay on both, as the
/// reference), the plan's matcher and set criterion with auxiliary losses, gradient clipping by total norm,
/// the learning-rate schedule stepped per epoch, gradient accumulation, evaluation with the streaming COCO
/// evaluator, and checkpoints every epoch and on interruption that resume exactly. With train.replicas > 1 each
/// batch's forward-to-gradients and the update run on that many threads (<see cref="DataParallelStep"/>).
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly Compiler.Compiled compiled;
    private readonly Plan plan;
    private readonly TrainPlan recipe;
    private readonly TrainOptions options;
    private readonly ITrainObserver observer;
    private readonly string specText;
    private readonly CocoDataset trainSet;
    private readonly CocoDataset valSet;
    private readonly Detector model;
    private readonly AdamW optimizer;
    private readonly SetCriterion criterion;
    private readonly IReadOnlyList<Tensor> trainable;
    private readonly DataParallelStep? replicas;

    public Trainer(Compiler.Compiled compiled, string specText, CocoDataset trainSet, CocoDataset valSet, TrainOptions options, ITrainObserver observer)
    {
        this.compiled = compiled;
        plan = compiled.Plan;
        recipe = plan.Train;
        this.options = options;
        this.observer = observer;
        this.specText = specText;
        this.trainSet = trainSet;
        this.valSet = valSet;
        if (trainSet.Classes > plan.Classes)
            throw new InvalidOperationException($"the dataset's category ids go up to {trainSet.Classes - 1}, but the spec has classes = {plan.Classes}: set classes = {trainSet.Classes} (max id + 1)");
        LibTorch.ManualSeed((ulong)recipe.Seed);
        model = Compiler.build(compiled);
        model.To(options.Device);
        (optimizer, trainable) = PlanOptimizer.AdamW(model, recipe);
        criterion = PlanCriterion.Criterion(plan);
        if (recipe.Replicas > 1)
        {
            if (options.Device.Type != DeviceType.Cpu)
                throw new InvalidOperationException($"train.replicas = {recipe.Replicas} splits batches over CPU threads; on {options.Device} use --set train.replicas=1");
            replicas = new DataParallelStep(model, plan, criterion, trainable, recipe.Replicas);
        }
    }

    private string CheckpointPath(long step) => Path.Combine(options.OutDir, $"checkpoint-{step:D8}.safetensors");

    private string BestPath => Path.Combine(options.OutDir, "best.safetensors");

    public string MetricsPath => Path.Combine(options.OutDir, "metrics.jsonl");

    /// <summary>Checkpoints in the run folder, newest first.</summary>
    public static List<string> Checkpoints(string dir) =>
        Directory.Exists(dir)
            ? Directory.GetFiles(dir, "checkpoint-*.safetensors").OrderByDescending(f => f, StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The newest checkpoint that reads back (an unreadable one is reported and skipped).</summary>
    private TrainPosition? RestoreLatest()
    {
        foreach (var path in Checkpoints(options.OutDir))
        {
            try
            {
                var c = Checkpoint.Load(path, model, optimizer, restoreRng: true);
                observer.Message($"resuming from {path} (epoch {c.Position.Epoch + 1}, batch {c.Position.Batch}, step {c.Position.Step})");
                return c.Position;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or TorchException or WeightsMismatchException)
            {
                observer.Message($"skipping unreadable checkpoint {path}: {e.Message}");
            }
        }
        return null;
    }

    /// <summary>Trains to the recipe's last epoch (or until <paramref name="stop"/>); returns the last evaluation.</summary>
    public CocoResult? Run(CancellationToken stop)
    {
        Directory.CreateDirectory(options.OutDir);
        File.WriteAllText(Path.Combine(options.OutDir, "spec.detr"), specText);
        var position = options.Resume ? RestoreLatest() : null;
        var resumed = position is not null;
        if (position is null)
        {
            position = new TrainPosition();
            if (options.Weights.Count > 0)
                foreach (var line in Weights.describe(Weights.load(model, Microsoft.FSharp.Collections.ListModule.OfSeq(options.Weights), options.WeightsPartial)))
                    observer.Message("weights: " + line);
        }
        if (position.Finished)
        {
            observer.Message($"the run in {options.OutDir} has already finished (epoch {recipe.Epochs}); nothing to resume");
            // A kill between the last checkpoint and the report leaves a finished run without report.html: it is
            // written from what the run kept (metrics.jsonl, the saved predictions), as the run's end would have.
            if (!File.Exists(Path.Combine(options.OutDir, "report.html")))
                observer.Message($"report.html was missing; written: {Report.Write(options.OutDir, compiled.Name, valSet)}");
            return null;
        }
        using var metrics = resumed ? MetricsLog.Resume(MetricsPath, position.Step, position.EvalStep) : MetricsLog.Create(MetricsPath);
        var trainLoader = RecipeData.TrainLoader(recipe, trainSet, options.OnBadImage, observer.Message);
        var valLoader = RecipeData.ValidationLoader(recipe, valSet, options.OnBadImage, observer.Message);
        var gt = CocoJson.ReadGroundTruth(valSet.AnnotationFile);
        var schedule = new LrSchedule(recipe, (trainLoader.BatchesPerEpoch + recipe.Accumulate - 1) / recipe.Accumulate);
        observer.Started(new TrainStart(compiled.Name, recipe.Epochs, position.Epoch, trainLoader.BatchesPerEpoch, model.ParameterCount(trainableOnly: true),
                                        trainSet.Count, valSet.Count, resumed));
        model.Train();
        CocoResult? last = null;
        var clock = Stopwatch.StartNew();
        var stepsAtStart = position.Step;
        for (var epoch = position.Epoch; epoch < recipe.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var sums = new Dictionary<string, double>();
            var logged = 0;
            var pending = 0;
            var batchIndex = position.Batch;
            foreach (var batch in trainLoader.Epoch(epoch, position.Batch))
            {
                using (batch)
                {
                    SetLearningRate(schedule.Factor(epoch, position.Step));
                    var result = ForwardBackward(batch, position.Step + 1);
                    pending++;
                    batchIndex++;
                    if (result is null)
                    {
                        // Non-finite loss with skip_nonfinite: drop the accumulated gradients of this step.
                        optimizer.ZeroGrad();
                        pending = 0;
                        position = position with { Skipped = position.Skipped + 1, Step = position.Step + 1, Epoch = epoch, Batch = batchIndex };
                        observer.Message($"step {position.Step}: loss not finite, step skipped ({position.Skipped} so far)");
                        continue;
                    }
                    foreach (var (k, v) in result) sums[k] = sums.GetValueOrDefault(k) + v;
                    logged++;
                    if (pending < recipe.Accumulate && batchIndex < trainLoader.BatchesPerEpoch) continue;
                    if (replicas is null) PlanOptimizer.ClipAndStep(optimizer, trainable, recipe.Clip);
                    else replicas.ClipAndStep(optimizer, recipe.Clip);
                    optimizer.ZeroGrad();
                    pending = 0;
                    position = position with { Step = position.Step + 1, Epoch = epoch, Batch = batchIndex };
                    var done = position.Step - stepsAtStart;
                    var rate = done / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                    var remaining = (long)recipe.Epochs * schedule.StepsPerEpoch - position.Step;
                    var record = new StepRecord(epoch, batchIndex, trainLoader.BatchesPerEpoch, position.Step, optimizer.Groups[0].Lr, result["loss"], result,
                                                rate * recipe.Batch * recipe.Accumulate, clock.Elapsed, TimeSpan.FromSeconds(remaining / Math.Max(rate, 1e-9)));
                    observer.Step(record);
                    if (position.Step % options.LogEvery == 0 || batchIndex == trainLoader.BatchesPerEpoch)
                    {
                        var json = new JsonObject { ["kind"] = "train", ["epoch"] = epoch + 1, ["step"] = position.Step, ["lr"] = optimizer.Groups[0].Lr };
                        foreach (var (k, v) in sums) json[k] = v / logged;
                        json["images_per_s"] = record.ItemsPerSecond;
                        json["rss_mb"] = Environment.WorkingSet / 1048576.0;
                        metrics.Write(json);
                        sums.Clear();
                        logged = 0;
                    }
                }
                if (stop.IsCancellationRequested)
                {
                    var path = CheckpointPath(position.Step);
                    Checkpoint.Save(path, model, optimizer, position, specText, compiled.Name);
                    observer.Message($"interrupted: checkpoint written to {path}; continue with --resume");
                    return last;
                }
            }
            // Epoch end: evaluate (if due), then checkpoint; a kill in between resumes from the previous one.
            position = position with { Epoch = epoch + 1, Batch = 0 };
            var evaluate = (epoch + 1) % recipe.EvalEvery == 0 || epoch + 1 == recipe.Epochs;
            var best = false;
            List<ImagePrediction> samples = [];
            if (evaluate)
            {
                try
                {
                    using (replicas?.AllThreads())
                        (last, samples) = Evaluation.Run(model, plan, valLoader, gt, options.Device, options.ReportImages, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Stopped during the evaluation: the epoch's training is kept in a checkpoint of its last
                    // batch, from which --resume goes straight to this evaluation (no batch of the epoch is left).
                    var path = CheckpointPath(position.Step);
                    Checkpoint.Save(path, model, optimizer, position with { Epoch = epoch, Batch = trainLoader.BatchesPerEpoch }, specText, compiled.Name);
                    observer.Message($"interrupted: checkpoint written to {path}; continue with --resume (it evaluates epoch {epoch + 1} first)");
                    return last;
                }
                best = last.Stats.AP > position.BestAP;
                if (best) position = position with { BestAP = last.Stats.AP, BestEpoch = epoch + 1 };
                var json = new JsonObject { ["kind"] = "eval", ["epoch"] = epoch + 1, ["step"] = position.Step };
                for (var i = 0; i < CocoStats.Names.Length; i++) json[CocoStats.Names[i]] = last.Stats.Values[i];
                metrics.Write(json);
                position = position with { EvalStep = position.Step };
                observer.Evaluated(new EvalRecord(epoch + 1, position.Step, last.Stats, best));
                Report.SavePredictions(options.OutDir, samples, valSet);
            }
            position = position with { Finished = epoch + 1 == recipe.Epochs };
            var checkpoint = CheckpointPath(position.Step);
            Checkpoint.Save(checkpoint, model, optimizer, position, specText, compiled.Name);
            if (best) CopyAtomically(checkpoint, BestPath);
            foreach (var old in Checkpoints(options.OutDir).Skip(options.KeepLast)) File.Delete(old);
            // A full collection per epoch (milliseconds) returns the evaluation's and the checkpoint's garbage
            // and runs the finalizers of dropped tensors, so resident memory reflects what training holds.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            metrics.Write(new JsonObject
            {
                ["kind"] = "epoch", ["epoch"] = epoch + 1, ["step"] = position.Step, ["seconds"] = epochClock.Elapsed.TotalSeconds,
                ["rss_mb"] = Environment.WorkingSet / 1048576.0, ["live_tensors"] = Tensor.LiveCount, ["skipped"] = position.Skipped,
            });
            if (stop.IsCancellationRequested)
            {
                observer.Message($"interrupted: checkpoint written to {checkpoint}; continue with --resume");
                return last;
            }
        }
        Report.Write(options.OutDir, compiled.Name, valSet);
        return last;
    }

    private void SetLearningRate(double factor)
    {
        foreach (var g in optimizer.Groups) g.Lr = g.InitialLr * factor;
    }

    private static void CopyAtomically(string from, string to) =>
        Torch.Serialization.AtomicFile.Write(to, s => { using var source = File.OpenRead(from); source.CopyTo(s); });

    /// <summary>
    /// Forward, criterion and backward of one batch (the loss divided by the accumulation count). Returns
    /// every weighted term and the total; null when the loss is not finite and the recipe skips such steps.
    /// </summary>
    private Dictionary<string, double>? ForwardBackward(Batch batch, long step) =>
        replicas is null ? ForwardBackwardOnce(batch, step) : ForwardBackwardReplicated(replicas, batch, step);

    private Dictionary<string, double>? ForwardBackwardOnce(Batch batch, long step)
    {
        using var scope = DisposeScope.Enter();
        var device = options.Device;
        var (images, mask) = batch.ImagesOn(device);
        var output = model.Forward(images, mask, null);
        LossResult losses;
        try
        {
            losses = PlanCriterion.Losses(criterion, plan, output, batch, device);
        }
        catch (NonFinitePredictionException e)
        {
            return NonFinite(e, step);
        }
        using (losses)
        {
            var total = losses.WeightedTotal;
            if (options.PoisonStep == step) total = total * double.NaN;
            var values = new Dictionary<string, double> { ["loss"] = total.Item() };
            foreach (var (name, t) in losses.Terms)
                if (criterion.Weight(name) is { } w) values[name] = t.Item() * w;
            if (!double.IsFinite(values["loss"])) return NonFinite(values, step);
            (recipe.Accumulate > 1 ? total / recipe.Accumulate : total).Backward();
            return values;
        }
    }

    /// <summary>The same over data-parallel replicas (<see cref="DataParallelStep"/>): the gradients are added only when the loss is finite.</summary>
    private Dictionary<string, double>? ForwardBackwardReplicated(DataParallelStep step, Batch batch, long stepNumber)
    {
        Dictionary<string, double> values;
        try
        {
            values = step.Run(batch, options.Device, 1.0 / recipe.Accumulate, poison: options.PoisonStep == stepNumber);
        }
        catch (NonFinitePredictionException e)
        {
            return NonFinite(e, stepNumber);
        }
        return double.IsFinite(values["loss"]) ? values : NonFinite(values, stepNumber);
    }

    /// <summary>Non-finite predictions: null (the step is skipped) or <see cref="DivergedException"/>.</summary>
    private Dictionary<string, double>? NonFinite(NonFinitePredictionException e, long step) =>
        recipe.SkipNonfinite ? null
        : throw new DivergedException($"step {step}: the predictions are not finite ({e.Message}); training diverged. {LastGoodCheckpoint()}");

    /// <summary>A non-finite loss: null (the step is skipped) or <see cref="DivergedException"/> naming the terms.</summary>
    private Dictionary<string, double>? NonFinite(Dictionary<string, double> values, long step)
    {
        if (recipe.SkipNonfinite) return null;
        var bad = values.Where(kv => kv.Key != "loss" && !double.IsFinite(kv.Value)).Select(kv => $"{kv.Key} = {kv.Value}").ToList();
        var which = bad.Count > 0 ? string.Join(", ", bad) : $"loss = {values["loss"]} (every term finite: the total overflowed or was poisoned)";
        throw new DivergedException($"step {step}: the loss is not finite ({which}); training stopped. {LastGoodCheckpoint()}");
    }

    private string LastGoodCheckpoint() =>
        Checkpoints(options.OutDir).FirstOrDefault() is { } path
            ? $"The last good checkpoint is {path} (resume with --resume, e.g. with a lower learning rate)."
            : "No checkpoint was written yet.";

    public void Dispose()
    {
        replicas?.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }
}
