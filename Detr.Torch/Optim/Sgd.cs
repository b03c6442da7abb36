using Detr.Torch.Interop;

namespace Detr.Torch.Optim;

/// <summary>SGD with momentum and (coupled) weight decay, as <c>torch.optim.SGD</c> of PyTorch 1.13.</summary>
public sealed unsafe class Sgd : IOptimizer
{
    private readonly (Tensor[] Buffers, int[] First)[] state;

    public Sgd(IReadOnlyList<ParamGroup> groups, double momentum = 0, double dampening = 0, bool nesterov = false)
    {
        Groups = groups;
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        state = groups.Select(g => (
            g.Parameters.Select(p => Tensor.ZerosLike(p).DetachFromScope()).ToArray(),
            Enumerable.Repeat(1, g.Parameters.Count).ToArray())).ToArray();
    }

    public IReadOnlyList<ParamGroup> Groups { get; }

    public double Momentum { get; }

    public double Dampening { get; }

    public bool Nesterov { get; }

    public void Step()
    {
        for (var g = 0; g < Groups.Count; g++)
        {
            var group = Groups[g];
            var p = Tensor.RawHandles(group.Parameters);
            var b = Tensor.RawHandles(state[g].Buffers);
            fixed (IntPtr* pp = p)
            fixed (IntPtr* pb = b)
            fixed (int* pf = state[g].First)
                NativeMethods.Check(NativeMethods.dt_sgd_step(pp, pb, pf, p.Length, group.Lr, Momentum, Dampening, group.WeightDecay, Nesterov ? 1 : 0));
            GC.KeepAlive(group.Parameters);
            GC.KeepAlive(state[g].Buffers);
        }
    }

    public void ZeroGrad()
    {
        foreach (var g in Groups)
            foreach (var p in g.Parameters) p.ZeroGrad();
    }

    public IReadOnlyList<(string Name, Tensor Value)> StateDict()
    {
        var result = new List<(string, Tensor)>();
        for (var g = 0; g < Groups.Count; g++)
        {
            var name = Groups[g].Name;
            result.Add(($"{name}.lr", Tensor.From([Groups[g].Lr])));
            for (var i = 0; i < Groups[g].Parameters.Count; i++)
            {
                result.Add(($"{name}.{i}.momentum_buffer", state[g].Buffers[i].Detach().To(Device.Cpu).Clone()));
                result.Add(($"{name}.{i}.started", Tensor.From([state[g].First[i] == 0 ? 1L : 0L])));
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
                    state[g].Buffers[i].CopyFrom(Get($"{name}.{i}.momentum_buffer"));
                    state[g].First[i] = Get($"{name}.{i}.started").ItemInt64() == 1 ? 0 : 1;
                }
            }
    }

    public void Dispose()
    {
        foreach (var (buffers, _) in state)
            foreach (var t in buffers) t.Dispose();
    }
}
