using Detr.Torch;

namespace Detr.Torch.Tests;

/// <summary>
/// Compares autograd's gradient of a scalar function with central finite differences, in float64.
/// </summary>
internal static class GradCheck
{
    /// <param name="f">maps the input (float64, requires grad) to a scalar tensor</param>
    public static void Assert(Func<Tensor, Tensor> f, double[] input, long[] shape, double eps = 1e-6, double tolerance = 1e-6)
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.From(input, shape).RequiresGrad_();
        f(x).Backward();
        var analytic = x.Grad!.ToArray<double>();

        var numeric = new double[input.Length];
        using (LibTorch.NoGrad())
        {
            for (var i = 0; i < input.Length; i++)
            {
                var plus = (double[])input.Clone();
                var minus = (double[])input.Clone();
                plus[i] += eps;
                minus[i] -= eps;
                numeric[i] = (f(Tensor.From(plus, shape)).Item() - f(Tensor.From(minus, shape)).Item()) / (2 * eps);
            }
        }
        for (var i = 0; i < input.Length; i++)
        {
            var scale = Math.Max(1, Math.Abs(numeric[i]));
            Xunit.Assert.True(Math.Abs(analytic[i] - numeric[i]) <= tolerance * scale,
                $"d/dx[{i}]: autograd {analytic[i]}, finite differences {numeric[i]}");
        }
    }

    /// <summary>Deterministic pseudo-random inputs in [-1, 1].</summary>
    public static double[] Inputs(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
    }
}
