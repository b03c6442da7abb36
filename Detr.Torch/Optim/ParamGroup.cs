namespace Detr.Torch.Optim;

/// <summary>Parameters that share a learning rate and weight decay (e.g. the backbone at lr 1e-5).</summary>
public sealed class ParamGroup(string name, IReadOnlyList<Tensor> parameters, double lr, double weightDecay)
{
    public string Name { get; } = name;

    public IReadOnlyList<Tensor> Parameters { get; } = parameters;

    /// <summary>Current learning rate; schedules set it before each step.</summary>
    public double Lr { get; set; } = lr;

    /// <summary>The learning rate the group was created with (schedules scale from it).</summary>
    public double InitialLr { get; } = lr;

    public double WeightDecay { get; set; } = weightDecay;
}

/// <summary>An optimizer over parameter groups whose state can be saved and restored exactly.</summary>
public interface IOptimizer : IDisposable
{
    IReadOnlyList<ParamGroup> Groups { get; }

    /// <summary>Applies one update from the parameters' accumulated gradients.</summary>
    void Step();

    /// <summary>Clears every parameter's gradient.</summary>
    void ZeroGrad();

    /// <summary>The full state as named tensors (copies), for checkpoints.</summary>
    IReadOnlyList<(string Name, Tensor Value)> StateDict();

    /// <summary>Restores a state written by <see cref="StateDict"/>; names and shapes must match.</summary>
    void LoadStateDict(IReadOnlyDictionary<string, Tensor> state);
}
