using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class InitTests
{
    [Fact]
    public void Fans_and_bounds_follow_torch_nn_init()
    {
        using var scope = DisposeScope.Enter();
        var conv = Torch.Empty([64, 32, 3, 3]);
        Assert.Equal((32L * 9, 64L * 9), Init.Fans(conv));
        Init.XavierUniform_(conv);
        var bound = Math.Sqrt(6.0 / (32 * 9 + 64 * 9));
        var v = Values(conv);
        Assert.All(v, x => Assert.InRange(x, -bound, bound));
        Assert.True(v.Max() > 0.9 * bound && v.Min() < -0.9 * bound);
        var linear = Torch.Empty([100, 400]);
        Init.KaimingUniform_(linear, a: Math.Sqrt(5)); // nn.Linear default: bound 1/sqrt(fan_in)
        Assert.All(Values(linear), x => Assert.InRange(x, -1 / 20.0, 1 / 20.0));
        var n = Init.Normal_(Torch.Empty([20000], DType.Float64), 1, 2);
        Assert.InRange(n.Mean().Item(), 0.95, 1.05);
        Assert.InRange(n.Std().Item(), 1.95, 2.05);
        Near([3, 3], Init.Constant_(Torch.Empty([2]), 3));
        Near([0, 0], Init.Zeros_(Torch.Empty([2])));
        Assert.Throws<ArgumentException>(() => Init.Fans(Torch.Empty([3])));
    }

    [Fact]
    public void Init_on_a_parameter_is_not_recorded_by_autograd()
    {
        using var scope = DisposeScope.Enter();
        var p = Torch.Zeros([3]).RequiresGrad_();
        Init.Uniform_(p, -1, 1);
        Assert.True(p.IsLeaf);
    }

    [Fact]
    public void Rng_state_restores_the_same_random_stream()
    {
        using var scope = DisposeScope.Enter();
        Torch.ManualSeed(3);
        var state = Rng.GetState();
        var first = Values(Torch.Rand([5]));
        Torch.Rand([7]);
        Rng.SetState(state);
        Assert.Equal(first, Values(Torch.Rand([5])));
    }
}
