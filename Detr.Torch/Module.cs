namespace Detr.Torch;

/// <summary>
/// Base of every model component: owns named parameters, buffers and child modules, and names them
/// with dotted paths exactly as PyTorch state dicts do (<c>layer1.0.conv1.weight</c>), so reference
/// checkpoints load by name. Registered tensors leave any <see cref="DisposeScope"/>: the module owns
/// them until it is disposed. Forward signatures differ per module, so there is no abstract Forward.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor? Value)> parameters = [];
    private readonly List<(string Name, Tensor? Value, bool Persistent)> buffers = [];
    private readonly List<(string Name, Module Value)> children = [];
    private bool disposed;

    /// <summary>Training mode (dropout active, batch-norm statistics updated).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Registers a parameter (a leaf that requires grad unless <paramref name="requiresGrad"/> is false).</summary>
    public Tensor RegisterParameter(string name, Tensor tensor, bool requiresGrad = true)
    {
        CheckName(name);
        tensor.DetachFromScope();
        tensor.RequiresGrad = requiresGrad;
        parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a buffer: state that is saved (when persistent) but not trained.</summary>
    public Tensor RegisterBuffer(string name, Tensor tensor, bool persistent = true)
    {
        CheckName(name);
        tensor.DetachFromScope();
        buffers.Add((name, tensor, persistent));
        return tensor;
    }

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    public T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"invalid member name '{name}' (non-empty, no dots)");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}");
    }

    // ---- traversal ---------------------------------------------------------------------------

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children.Select(c => (c.Name, c.Value));

    /// <summary>Every module below (and including) this one with its dotted path ("" for this one); a
    /// module registered under several names appears once, at its first path.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return Walk("", seen);
    }

    private IEnumerable<(string, Module)> Walk(string prefix, HashSet<Module> seen)
    {
        if (!seen.Add(this)) yield break;
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var item in child.Walk(Join(prefix, name), seen))
                yield return item;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Parameters with dotted names, each tensor once (PyTorch's named_parameters()).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, p) in module.parameters)
                if (p != null && seen.Add(p))
                    yield return (Join(prefix, name), p);
    }

    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter).ToList();

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, b, _) in module.buffers)
                if (b != null && seen.Add(b))
                    yield return (Join(prefix, name), b);
    }

    /// <summary>Number of trainable elements (parameters counted once).</summary>
    public long ParameterCount(bool trainableOnly = false) =>
        NamedParameters().Where(p => !trainableOnly || p.Parameter.RequiresGrad).Sum(p => p.Parameter.NumEl);

    /// <summary>
    /// Every parameter and persistent buffer by every name it is reachable under (aliases included,
    /// as PyTorch's state_dict), in PyTorch's order: a module's parameters, its buffers, then its children.
    /// </summary>
    public IReadOnlyList<(string Name, Tensor Value)> StateDict()
    {
        var result = new List<(string, Tensor)>();
        Collect("", result);
        return result;
    }

    private void Collect(string prefix, List<(string, Tensor)> into)
    {
        foreach (var (name, p) in parameters)
            if (p != null) into.Add((Join(prefix, name), p));
        foreach (var (name, b, persistent) in buffers)
            if (b != null && persistent) into.Add((Join(prefix, name), b));
        foreach (var (name, child) in children) child.Collect(Join(prefix, name), into);
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's tensors (converting dtype, e.g.
    /// float16 files into float32 parameters). Strict: any missing, unexpected or shape-mismatched name
    /// is an error listing them all; otherwise the report says what was left untouched.
    /// </summary>
    public LoadReport LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var ownNames = new HashSet<string>(own.Select(o => o.Name));
        var missing = new List<string>();
        var mismatched = new List<ShapeMismatch>();
        var loaded = new List<string>();
        var toLoad = new HashSet<string>();
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source)) { missing.Add(name); continue; }
            var (want, got) = (target.Shape, source.Shape);
            if (!want.SequenceEqual(got)) { mismatched.Add(new ShapeMismatch(name, want, got)); continue; }
            loaded.Add(name);
            toLoad.Add(name);
        }
        var unexpected = state.Keys.Where(k => !ownNames.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var report = new LoadReport(loaded, missing, unexpected, mismatched);
        if (strict && !report.IsExact) throw new WeightsMismatchException(report);
        using (LibTorch.NoGrad())
            foreach (var (name, target) in own)
                if (toLoad.Contains(name)) target.CopyFrom(state[name]);
        return report;
    }

    // ---- modes and devices -------------------------------------------------------------------

    /// <summary>Sets training mode on this module and every child.</summary>
    public Module Train(bool training = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = training;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Moves every parameter and buffer in place (the tensor objects stay the same).</summary>
    public Module To(Device device) => Convert(t => t.To(device));

    public Module To(DType dtype) => Convert(t => t.DType.IsFloatingPoint() ? t.To(dtype) : t.Share());

    private Module Convert(Func<Tensor, Tensor> convert)
    {
        using (LibTorch.NoGrad())
        {
            foreach (var (_, p) in NamedParameters()) using (var moved = convert(p)) p.SetData(moved);
            foreach (var (_, b) in NamedBuffers()) using (var moved = convert(b)) b.SetData(moved);
        }
        return this;
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in NamedParameters()) p.ZeroGrad();
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, p) in parameters) p?.Dispose();
        foreach (var (_, b, _) in buffers) b?.Dispose();
        foreach (var (_, c) in children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed record ShapeMismatch(string Name, long[] Expected, long[] Got)
{
    public override string ToString() => $"{Name}: model [{string.Join(", ", Expected)}], file [{string.Join(", ", Got)}]";
}

/// <summary>What a state-dict load did: names loaded, missing from the file, unexpected in it, mismatched.</summary>
public sealed record LoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected,
                                IReadOnlyList<ShapeMismatch> Mismatched)
{
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    public override string ToString()
    {
        var lines = new List<string> { $"{Loaded.Count} tensors loaded" };
        if (Missing.Count > 0) lines.Add($"missing from the weights ({Missing.Count}): {Summarise(Missing)}");
        if (Unexpected.Count > 0) lines.Add($"unexpected in the weights ({Unexpected.Count}): {Summarise(Unexpected)}");
        if (Mismatched.Count > 0) lines.Add($"shape mismatch ({Mismatched.Count}): {string.Join("; ", Mismatched.Take(10))}");
        return string.Join("\n", lines);
    }

    private static string Summarise(IReadOnlyList<string> names) =>
        names.Count <= 12 ? string.Join(", ", names) : string.Join(", ", names.Take(12)) + $", ... ({names.Count - 12} more)";
}

/// <summary>A strict load found names or shapes that do not match the model.</summary>
public sealed class WeightsMismatchException(LoadReport report)
    : Exception("weights do not match the model:\n" + report)
{
    public LoadReport Report { get; } = report;
}
