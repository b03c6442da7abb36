using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class AutogradTests
{
    [Fact]
    public void Backward_accumulates_gradients_on_leaves()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([1, 2, 3]).RequiresGrad_();
        Assert.True(x.RequiresGrad);
        Assert.True(x.IsLeaf);
        var y = (x * x).Sum(); // dy/dx = 2x
        Assert.False(y.IsLeaf);
        y.Backward();
        Near([2, 4, 6], x.Grad!);
        (x * 3).Sum().Backward(); // accumulates: 2x + 3
        Near([5, 7, 9], x.Grad!);
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void No_grad_and_detach_stop_recording()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([1, 2]).RequiresGrad_();
        using (LibTorch.NoGrad())
        {
            Assert.False(LibTorch.IsGradEnabled);
            Assert.False((x * 2).RequiresGrad);
        }
        Assert.True(LibTorch.IsGradEnabled);
        Assert.False(x.Detach().RequiresGrad);
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void Autograd_grad_returns_gradients_without_accumulating()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([1, 2]).RequiresGrad_();
        var w = F64([3, 4]).RequiresGrad_();
        var y = (x * w).Sum();
        var grads = Autograd.Grad([y], [x, w]);
        Near([3, 4], grads[0]!);
        Near([1, 2], grads[1]!);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Backward_through_a_non_scalar_needs_a_gradient_and_says_so()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([1, 2]).RequiresGrad_();
        var y = x * 2;
        var e = Assert.Throws<TorchException>(() => y.Backward());
        Assert.Contains("scalar", e.Message);
        y.Backward(F64([1, 10]));
        Near([2, 20], x.Grad!);
    }
}
