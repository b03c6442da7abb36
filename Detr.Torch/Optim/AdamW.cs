using Detr.Torch.Interop;

namespace Detr.Torch.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, ICLR 2019) exactly as <c>torch.optim.AdamW</c> of PyTorch 1.13: decoupled
/// weight decay <c>p ← p·(1 − lr·wd)</c>, bias-corrected moments, eps added after the square root.
/// Each group's update is one native call over all its parameters.
/// </summary>
public sealed unsafe class AdamW : IOptimizer
{
    private readonly (Tensor[] ExpAvg, Tensor[] ExpAvgSq, long[] Steps)[] state;

    public AdamW(IReadOnlyList<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        Groups = groups;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        state = groups.Select(g => (
            g.Parameters.Select(p => Tensor.ZerosLike(p).DetachFromScope()).ToArray(),
            g.Parameters.Select(p => Tensor.ZerosLike(p).DetachFromScope()).ToArray(),
            new long[g.Parameters.Count])).ToArray();
    }

    /// <summary>One group with PyTorch's default weight decay 1e-2.</summary>
    public AdamW(IReadOnlyList<Tensor> parameters, double lr = 1e-3, double weightDecay = 1e-2)
        : this([new ParamGroup("all", parameters, lr, weightDecay)]) { }

    public IReadOnlyList<ParamGroup> Groups { get; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Eps { get; }

    public void Step() => Step(0, 1);

    /// <summary>
    /// Part <paramref name="part"/> of <paramref name="parts"/> of an update: each group's parameters are cut into
    /// contiguous runs of about equal element counts, and this updates one run per group, so threads running the
    /// parts at once apply exactly the update of <see cref="Step()"/> (every parameter's own operations, once).
    /// </summary>
    public void Step(int part, int parts)
    {
        if (parts < 1 || part < 0 || part >= parts) throw new ArgumentOutOfRangeException(nameof(part), $"part {part} of {parts}");
        for (var g = 0; g < Groups.Count; g++)
        {
            var group = Groups[g];
            var (start, end) = Run(group.Parameters, part, parts);
            if (start == end) continue;
            var (expAvg, expAvgSq, steps) = state[g];
            var p = Tensor.RawHandles(group.Parameters);
            var m = Tensor.RawHandles(expAvg);
            var v = Tensor.RawHandles(expAvgSq);
            fixed (IntPtr* pp = p)
            fixed (IntPtr* pm = m)
            fixed (IntPtr* pv = v)
            fixed (long* ps = steps)
                NativeMethods.Check(NativeMethods.dt_adamw_step(pp + start, pm + start, pv + start, ps + start, end - start,
                                                                group.Lr, Beta1, Beta2, Eps, group.WeightDecay));
            GC.KeepAlive(group.Parameters);
            GC.KeepAlive(expAvg);
            GC.KeepAlive(expAvgSq);
        }
    }

    /// <summary>[start, end) of the parameters in part <paramref name="part"/>: cut where the running element count crosses part/parts of the total.</summary>
    private static (int Start, int End) Run(IReadOnlyList<Tensor> parameters, int part, int parts)
    {
        if (parts == 1) return (0, parameters.Count);
        var total = parameters.Sum(p => p.NumEl);
        int Cut(int k)
        {
            if (k == 0) return 0;
            if (k == parts) return parameters.Count;
            long running = 0;
            for (var i = 0; i < parameters.Count; i++)
            {
                if (running * parts >= total * k) return i;
                running += parameters[i].NumEl;
            }
            return parameters.Count;
        }
        return (Cut(part), Cut(part + 1));
    }

    public void ZeroGrad()
    {
        foreach (var g in Groups)
            foreach (var p in g.Parameters) p.ZeroGrad();
    }

    /// <summary>Names: <c>{group}.{i}.exp_avg</c>, <c>.exp_avg_sq</c>, <c>.step</c> (int64), <c>{group}.lr</c> (float64).</summary>
    public IReadOnlyList<(string Name, Tensor Value)> StateDict()
    {
        var result = new List<(string, Tensor)>();
        for (var g = 0; g < Groups.Count; g++)
        {
            var name = Groups[g].Name;
            result.Add(($"{name}.lr", Tensor.From([Groups[g].Lr])));
            for (var i = 0; i < Groups[g].Parameters.Count; i++)
            {
                result.Add(($"{name}.{i}.exp_avg", state[g].ExpAvg[i].Detach().To(Device.Cpu).Clone()));
                result.Add(($"{name}.{i}.exp_avg_sq", state[g].ExpAvgSq[i].Detach().To(Device.Cpu).Clone()));
                result.Add(($"{name}.{i}.step", Tensor.From([state[g].Steps[i]])));
            }
        }
        return result;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> saved)
    {
        Tensor Get(string key) => saved.TryGetValue(key, out var t) ? t : throw new InvalidDataException($"optimizer state lacks '{key}'");
        using (LibTorch.NoGrad())
            for (var g = 0; g < Groups.Count; g++)
            {
                var name = Groups[g].Name;
                Groups[g].Lr = Get($"{name}.lr").Item();
                for (var i = 0; i < Groups[g].Parameters.Count; i++)
                {
                    state[g].ExpAvg[i].CopyFrom(Get($"{name}.{i}.exp_avg"));
                    state[g].ExpAvgSq[i].CopyFrom(Get($"{name}.{i}.exp_avg_sq"));
                    state[g].Steps[i] = Get($"{name}.{i}.step").ItemInt64();
                }
            }
    }

    public void Dispose()
    {
        foreach (var (m, v, _) in state)
        {
            foreach (var t in m) t.Dispose();
            foreach (var t in v) t.Dispose();
        }
    }
}
