using System.Text.Json;
using Detr.Torch;
using Detr.Torch.Optim;
using Detr.Torch.Serialization;

namespace Detr.Runtime.Training;

/// <summary>Where training stands: what the next step is, and what it has seen so far.</summary>
public sealed record TrainPosition
{
    /// <summary>The epoch to run (or continue) next, 0-based.</summary>
    public int Epoch { get; init; }

    /// <summary>The next batch of that epoch (0 after an epoch end; more after an interruption).</summary>
    public int Batch { get; init; }

    /// <summary>Optimizer steps done.</summary>
    public long Step { get; init; }

    /// <summary>Step of the last evaluation written to metrics.jsonl (−1: none).</summary>
    public long EvalStep { get; init; } = -1;

    public double BestAP { get; init; } = -1;

    public int BestEpoch { get; init; } = -1;

    /// <summary>Steps skipped because their loss was not finite (train.skip_nonfinite).</summary>
    public int Skipped { get; init; }

    public bool Finished { get; init; }
}

/// <summary>
/// One safetensors file: the model's state dict (`model.*`), the optimizer's (`optim.*`), libtorch's RNG state
/// (`rng.torch`); metadata: the position (JSON), the resolved spec text and the model name. Written atomically
/// (temporary file, flush, rename), so a kill at any moment leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    public static void Save(string path, Module model, IOptimizer optimizer, TrainPosition position, string specText, string modelName)
    {
        using var scope = DisposeScope.Enter();
        var tensors = new List<(string, Tensor)>();
        foreach (var (name, t) in model.StateDict()) tensors.Add(("model." + name, t.Detach().To(Device.Cpu)));
        foreach (var (name, t) in optimizer.StateDict()) tensors.Add(("optim." + name, t));
        tensors.Add(("rng.torch", Rng.GetState()));
        var metadata = new Dictionary<string, string>
        {
            ["position"] = JsonSerializer.Serialize(position),
            ["spec"] = specText,
            ["model"] = modelName,
            ["format"] = "detr-checkpoint-1",
        };
        SafeTensors.Save(path, tensors, metadata);
    }

    public sealed record Contents(TrainPosition Position, string Spec, string Model);

    /// <summary>Reads a checkpoint's metadata only (cheap: the header).</summary>
    public static Contents Peek(string path)
    {
        var meta = SafeTensors.Metadata(path);
        if (!meta.TryGetValue("format", out var format) || format != "detr-checkpoint-1")
            throw new InvalidDataException($"{path}: not a detr training checkpoint (no format metadata)");
        var position = JsonSerializer.Deserialize<TrainPosition>(meta["position"]) ?? throw new InvalidDataException($"{path}: no position");
        return new Contents(position, meta.GetValueOrDefault("spec", ""), meta.GetValueOrDefault("model", ""));
    }

    /// <summary>Loads the model weights (strict), and the optimizer and RNG state when given.</summary>
    public static Contents Load(string path, Module model, IOptimizer? optimizer, bool restoreRng)
    {
        var contents = Peek(path);
        var tensors = SafeTensors.Load(path);
        try
        {
            var modelState = new Dictionary<string, Tensor>();
            var optimState = new Dictionary<string, Tensor>();
            Tensor? rng = null;
            foreach (var (name, t) in tensors)
            {
                if (name.StartsWith("model.", StringComparison.Ordinal)) modelState[name[6..]] = t;
                else if (name.StartsWith("optim.", StringComparison.Ordinal)) optimState[name[6..]] = t;
                else if (name == "rng.torch") rng = t;
            }
            model.LoadStateDict(modelState, strict: true);
            optimizer?.LoadStateDict(optimState);
            if (restoreRng && rng is not null) Rng.SetState(rng);
        }
        finally
        {
            foreach (var (_, t) in tensors) t.Dispose();
        }
        return contents;
    }

    /// <summary>Weights of a checkpoint or of a plain weights file, for eval and predict.</summary>
    public static bool IsCheckpoint(string path)
    {
        if (!WeightsFile.IsSafeTensors(path)) return false;
        return SafeTensors.Metadata(path).TryGetValue("format", out var f) && f == "detr-checkpoint-1";
    }
}
