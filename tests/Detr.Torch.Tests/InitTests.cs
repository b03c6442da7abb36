using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

[Collection(GlobalRngCollection.Name)]
public class InitTests
{
    [Fact]
    public void Fans_and_bounds_follow_torch_nn_init()
    {
        using var scope = DisposeScope.Enter();
        var conv = Tensor.Empty([64, 32, 3, 3]);
        Assert.Equal((32L * 9, 64L * 9), Init.Fans(conv));
        Init.XavierUniform_(conv);
        var bound = Math.Sqrt(6.0 / (32 * 9 + 64 * 9));
        var v = Values(conv);
        Assert.All(v, x => Assert.InRange(x, -bound, bound));
        Assert.True(v.Max() > 0.9 * bound && v.Min() < -0.9 * bound);
        var linear = Tensor.Empty([100, 400]);
        Init.KaimingUniform_(linear, a: Math.Sqrt(5)); // nn.Linear default: bound 1/sqrt(fan_in)
        Assert.All(Values(linear), x => Assert.InRange(x, -1 / 20.0, 1 / 20.0));
        var n = Init.Normal_(Tensor.Empty([20000], DType.Float64), 1, 2);
        Assert.InRange(n.Mean().Item(), 0.95, 1.05);
        Assert.InRange(n.Std().Item(), 1.95, 2.05);
        Near([3, 3], Init.Constant_(Tensor.Empty([2]), 3));
        Near([0, 0], Init.Zeros_(Tensor.Empty([2])));
        Assert.Throws<ArgumentException>(() => Init.Fans(Tensor.Empty([3])));
    }

    [Fact]
    public void Init_on_a_parameter_is_not_recorded_by_autograd()
    {
        using var scope = DisposeScope.Enter();
        var p = Tensor.Zeros([3]).RequiresGrad_();
        Init.Uniform_(p, -1, 1);
        Assert.True(p.IsLeaf);
    }

    [Fact]
    public void Rng_state_restores_the_same_random_stream()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(3);
        var state = Rng.GetState();
        var first = Values(Tensor.Rand([5]));
        Tensor.Rand([7]);
        Rng.SetState(state);
        Assert.Equal(first, Values(Tensor.Rand([5])));
    }
}
