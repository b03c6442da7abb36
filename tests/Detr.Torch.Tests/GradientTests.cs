using Detr.Torch;
using static Detr.Torch.Tests.GradCheck;

namespace Detr.Torch.Tests;

/// <summary>Autograd against central finite differences in float64 (issue #2, acceptance 2).</summary>
public class GradientTests
{
    private static Tensor Weighted(Tensor y, int seed)
    {
        // A fixed random projection turns any output into a scalar with a non-trivial gradient.
        var w = Tensor.From(Inputs((int)y.NumEl, seed), y.Shape);
        return (y * w).Sum();
    }

    [Fact]
    public void Conv2d_gradient_matches_finite_differences()
    {
        var weight = Inputs(2 * 3 * 3 * 3, 2);
        Assert(x => Weighted(Functional.Conv2d(x, Tensor.From(weight, 2, 3, 3, 3), Tensor.From(new double[] { 0.1, -0.2 }), stride: 2, padding: 1), 3),
               Inputs(1 * 3 * 5 * 5, 1), [1, 3, 5, 5]);
        var input = Inputs(1 * 3 * 5 * 5, 4);
        Assert(w => Weighted(Functional.Conv2d(Tensor.From(input, 1, 3, 5, 5), w, dilation: 2), 5), weight, [2, 3, 3, 3]);
    }

    [Fact]
    public void Linear_gradient_matches_finite_differences()
    {
        var w = Inputs(4 * 3, 7);
        Assert(x => Weighted(Functional.Linear(x, Tensor.From(w, 4, 3), Tensor.From(Inputs(4, 8))), 9), Inputs(2 * 3, 6), [2, 3]);
        var x0 = Inputs(2 * 3, 6);
        Assert(wt => Weighted(Functional.Linear(Tensor.From(x0, 2, 3), wt), 9), w, [4, 3]);
    }

    [Fact]
    public void Layer_norm_gradient_matches_finite_differences()
    {
        var g = Inputs(5, 11);
        Assert(x => Weighted(Functional.LayerNorm(x, [5], Tensor.From(g), Tensor.From(Inputs(5, 12))), 13), Inputs(3 * 5, 10), [3, 5]);
    }

    [Fact]
    public void Softmax_gradient_matches_finite_differences()
    {
        Assert(x => Weighted(Functional.Softmax(x, 1), 15), Inputs(3 * 4, 14), [3, 4]);
        Assert(x => Weighted(Functional.LogSoftmax(x, 0), 16), Inputs(3 * 4, 14), [3, 4]);
    }

    [Fact]
    public void Grid_sample_gradient_matches_finite_differences_for_input_and_grid()
    {
        var grid = Inputs(1 * 3 * 4 * 2, 21).Select(v => v * 0.9).ToArray(); // inside the image, away from kinks
        Assert(x => Weighted(Functional.GridSample(x, Tensor.From(grid, 1, 3, 4, 2), alignCorners: false), 22), Inputs(1 * 2 * 4 * 5, 20), [1, 2, 4, 5]);
        var input = Inputs(1 * 2 * 4 * 5, 20);
        Assert(g => Weighted(Functional.GridSample(Tensor.From(input, 1, 2, 4, 5), g, alignCorners: true), 22), grid, [1, 3, 4, 2], tolerance: 1e-5);
    }

    [Fact]
    public void Interpolate_gradient_matches_finite_differences()
    {
        Assert(x => Weighted(Functional.Interpolate(x, 5, 7, InterpolationMode.Bilinear, alignCorners: false), 31), Inputs(1 * 2 * 3 * 4, 30), [1, 2, 3, 4]);
        Assert(x => Weighted(Functional.Interpolate(x, 5, 7, InterpolationMode.Bilinear, alignCorners: true), 32), Inputs(1 * 2 * 3 * 4, 30), [1, 2, 3, 4]);
        Assert(x => Weighted(Functional.Interpolate(x, 6, 3, InterpolationMode.Nearest), 33), Inputs(1 * 2 * 3 * 4, 30), [1, 2, 3, 4]);
    }

    [Fact]
    public void Loss_gradients_match_finite_differences()
    {
        var targets = new double[] { 1, 0, 1, 0, 0, 1 };
        Assert(x => Functional.BinaryCrossEntropyWithLogits(x, Tensor.From(targets, 2, 3)), Inputs(6, 40), [2, 3]);
        var labels = Tensor.From(new long[] { 2, 0, 3 });
        var weights = Tensor.From(new double[] { 1, 1, 1, 0.1 });
        Assert(x => Functional.CrossEntropy(x, labels, weights), Inputs(3 * 4, 41), [3, 4]);
        var y = Inputs(6, 43).Select(v => v + 3).ToArray(); // keep |x - y| away from 0, where L1 has a kink
        Assert(x => Functional.L1Loss(x, Tensor.From(y, 2, 3)), Inputs(6, 42), [2, 3]);
    }
}
