using Detr.Torch;
using Detr.Torch.Optim;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class OptimTests
{
    /// <summary>torch.optim.AdamW 1.13 written out in managed double arithmetic.</summary>
    private static double[] AdamWByHand(double[] p, double[][] grads, double lr, double wd, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8)
    {
        var m = new double[p.Length];
        var v = new double[p.Length];
        p = (double[])p.Clone();
        for (var t = 1; t <= grads.Length; t++)
        {
            var g = grads[t - 1];
            for (var i = 0; i < p.Length; i++)
            {
                p[i] *= 1 - lr * wd;
                m[i] = m[i] * b1 + (1 - b1) * g[i];
                v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i];
                var bc1 = 1 - Math.Pow(b1, t);
                var bc2 = 1 - Math.Pow(b2, t);
                p[i] -= lr / bc1 * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(bc2) + eps);
            }
        }
        return p;
    }

    [Fact]
    public void AdamW_matches_the_hand_written_update_with_two_parameter_groups()
    {
        using var scope = DisposeScope.Enter();
        double[] a0 = [1, -2, 0.5], b0 = [0.3, 4];
        var a = F64(a0).RequiresGrad_();
        var b = F64(b0).RequiresGrad_();
        using var opt = new AdamW([new ParamGroup("backbone", [a], 1e-2, 1e-4), new ParamGroup("rest", [b], 1e-1, 0)]);
        double[][] ga = [[0.1, -0.2, 0.3], [0.5, 0.5, -1], [-0.3, 0, 2]];
        double[][] gb = [[1, -1], [0.01, 0.2], [3, -0.5]];
        for (var step = 0; step < 3; step++)
        {
            opt.ZeroGrad();
            ((a * F64(ga[step])).Sum() + (b * F64(gb[step])).Sum()).Backward(); // grads are exactly ga, gb
            opt.Step();
        }
        Near(AdamWByHand(a0, ga, 1e-2, 1e-4), a, 1e-12);
        Near(AdamWByHand(b0, gb, 1e-1, 0), b, 1e-12);
    }

    [Fact]
    public void AdamW_state_saves_and_restores_exactly()
    {
        using var scope = DisposeScope.Enter();
        var p = F64([1, 2]).RequiresGrad_();
        using var first = new AdamW([p], lr: 0.1);
        (p * p).Sum().Backward();
        first.Step();
        var saved = first.StateDict().ToDictionary(s => s.Name, s => s.Value);
        var q = p.Detach().Clone().RequiresGrad_();
        using var second = new AdamW([q], lr: 0.5);
        second.LoadStateDict(saved);
        Assert.Equal(0.1, second.Groups[0].Lr);
        foreach (var (opt, t) in new[] { (first, p), (second, q) })
        {
            opt.ZeroGrad();
            (t * t).Sum().Backward();
            opt.Step();
        }
        Near(Values(p), q, 0);
    }

    [Fact]
    public void AdamW_in_parts_applies_exactly_the_whole_update()
    {
        using var scope = DisposeScope.Enter();
        Tensor[] Parameters() => [F64([1, 2, 3]), F64([-1]), F64([0.5, 0.25, 4, 8, 16]), F64([2, 2])];
        var whole = Parameters().Select(t => t.RequiresGrad_()).ToArray();
        var parts = Parameters().Select(t => t.RequiresGrad_()).ToArray();
        using var a = new AdamW([new ParamGroup("g", whole, 0.1, 0.01)]);
        using var b = new AdamW([new ParamGroup("g", parts, 0.1, 0.01)]);
        for (var step = 0; step < 3; step++)
        {
            foreach (var (opt, ps) in new[] { (a, whole), (b, parts) })
            {
                opt.ZeroGrad();
                ps.Select((t, i) => (t * t * (i + 1)).Sum()).Aggregate((x, y) => x + y).Backward();
            }
            a.Step();
            for (var part = 0; part < 3; part++) b.Step(part, 3);                   // 3 runs over 4 parameters
        }
        for (var i = 0; i < whole.Length; i++) Near(Values(whole[i]), parts[i], 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Step(3, 3));
    }

    [Fact]
    public void Parameters_without_gradients_are_left_alone()
    {
        using var scope = DisposeScope.Enter();
        var p = F64([1, 2]).RequiresGrad_();
        using var opt = new AdamW([p], lr: 0.1, weightDecay: 0.5);
        opt.Step();
        Near([1, 2], p, 0);
    }

    [Fact]
    public void Sgd_with_momentum_matches_pytorch()
    {
        using var scope = DisposeScope.Enter();
        var p = F64([1.0]).RequiresGrad_();
        using var opt = new Sgd([new ParamGroup("all", [p], 0.1, 0.01)], momentum: 0.9);
        // step 1: d = g + wd*p = 2 + 0.01 = 2.01; buf = 2.01; p = 1 - 0.201 = 0.799
        // step 2: d = 2 + 0.00799 = 2.00799; buf = 0.9*2.01 + 2.00799 = 3.81699; p = 0.799 - 0.381699
        for (var i = 0; i < 2; i++)
        {
            opt.ZeroGrad();
            (p * 2).Sum().Backward();
            opt.Step();
        }
        Near([0.799 - 0.381699], p, 1e-12);
    }

    [Fact]
    public void Clip_grad_norm_scales_all_gradients_by_the_total_norm()
    {
        using var scope = DisposeScope.Enter();
        var a = F64([0, 0]).RequiresGrad_();
        var b = F64([0]).RequiresGrad_();
        ((a * F64([3, 0])).Sum() + (b * F64([4])).Sum()).Backward(); // grads (3, 0), (4): total norm 5
        var total = GradClip.ClipGradNorm([a, b], 1.0);
        Assert.Equal(5, total, 12);
        var coef = 1 / (5 + 1e-6);
        Near([3 * coef, 0], a.Grad!, 1e-12);
        Near([4 * coef], b.Grad!, 1e-12);
        Assert.Equal(1.0, GradClip.GradNorm([a, b]), 5);
        Assert.Equal(4 * coef, GradClip.ClipGradNorm([a, b], 10, double.PositiveInfinity), 12);
    }
}
