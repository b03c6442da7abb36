using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class FunctionalTests
{
    [Fact]
    public void Linear_and_conv2d_compute_hand_values()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([1, 2], 1, 2);
        var w = F64([1, 1, 2, -1, 0, 3], 3, 2);
        Near([3, 0, 6], Functional.Linear(x, w));
        Near([4, 1, 7], Functional.Linear(x, w, F64([1, 1, 1])));
        // 3x3 image 0..8, 2x2 kernel of ones: sums of each 2x2 window.
        var img = F64([0, 1, 2, 3, 4, 5, 6, 7, 8], 1, 1, 3, 3);
        var k = Tensor.Ones([1, 1, 2, 2], DType.Float64);
        Near([8, 12, 20, 24], Functional.Conv2d(img, k));
        Near([0, 3, 9, 24], Functional.Conv2d(img, k, stride: 2, padding: 1));
        Near([16], Functional.Conv2d(img, k, dilation: 2)); // corners 0 + 2 + 6 + 8
        // groups: two channels, each with its own 1x1 weight.
        var two = F64([1, 2, 3, 4, 10, 20, 30, 40], 1, 2, 2, 2);
        Near([2, 4, 6, 8, 5, 10, 15, 20], Functional.Conv2d(two, F64([2, 0.5], 2, 1, 1, 1), groups: 2));
        Assert.Throws<TorchException>(() => Functional.Conv2d(img, Tensor.Ones([1, 2, 2, 2], DType.Float64)));
    }

    [Fact]
    public void Normalisations_match_their_formulas()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([1, 2, 3, 4], 1, 4);
        var mean = 2.5; var var = 1.25;
        Near(new double[] { 1, 2, 3, 4 }.Select(v => (v - mean) / Math.Sqrt(var + 1e-5)).ToArray(), Functional.LayerNorm(x, [4]));
        Near(new double[] { 1, 2, 3, 4 }.Select(v => 2 * (v - mean) / Math.Sqrt(var + 1e-5) + 1).ToArray(),
             Functional.LayerNorm(x, [4], F64([2, 2, 2, 2]), F64([1, 1, 1, 1])));
        // Batch norm in eval mode: (x - rm) / sqrt(rv + eps) * w + b, per channel.
        var bn = Functional.BatchNorm(F64([1, 2, 3, 4], 1, 2, 2, 1), F64([1, 3]), F64([4, 1]), F64([1, 2]), F64([0, 1]), eps: 0);
        Near([0, 0.5, 1, 3], bn);
        // Training mode updates running stats in place with momentum 0.1.
        var rm = F64([0, 0]); var rv = F64([1, 1]);
        Functional.BatchNorm(F64([1, 3, 5, 7], 2, 2, 1, 1), rm, rv, training: true);
        Near([0.3, 0.5], rm); // 0.9 * 0 + 0.1 * batch mean (channel 0: 1, 5 -> 3; channel 1: 3, 7 -> 5)
        // Group norm with 2 groups over 4 channels of one pixel each.
        var g = Functional.GroupNorm(F64([1, 3, 10, 20], 1, 4, 1, 1), 2, eps: 0);
        Near([-1, 1, -1, 1], g);
    }

    [Fact]
    public void Activations_softmax_dropout()
    {
        using var scope = DisposeScope.Enter();
        var x = F64([-1, 0, 2]);
        Near([0, 0, 2], Functional.Relu(x));
        Near(new[] { -1.0, 0, 2 }.Select(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))).ToArray(), Functional.Gelu(x), 1e-7);
        Near([-0.01, 0, 2], Functional.LeakyRelu(x));
        var e = new[] { Math.Exp(-1), 1, Math.Exp(2) };
        var sum = e.Sum();
        Near(e.Select(v => v / sum).ToArray(), Functional.Softmax(x, 0));
        Near(e.Select(v => Math.Log(v / sum)).ToArray(), Functional.LogSoftmax(x, -1));
        Near([-1, 0, 2], Functional.Dropout(x, 0.5, training: false));
        var ones = Tensor.Ones([10000], DType.Float64);
        var dropped = Values(Functional.Dropout(ones, 0.25, training: true));
        Assert.All(dropped, v => Assert.True(v == 0 || Math.Abs(v - 4.0 / 3) < 1e-12));
        Assert.InRange(dropped.Count(v => v == 0) / 10000.0, 0.22, 0.28);
    }

    private static double Erf(double x)
    {
        // Abramowitz-Stegun 7.1.26 is too coarse; integrate exp(-t^2) with Simpson's rule instead.
        var n = 2000; var h = x / n; var s = 0.0;
        for (var i = 0; i <= n; i++) s += (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * Math.Exp(-(i * h) * (i * h));
        return 2 / Math.Sqrt(Math.PI) * s * h / 3;
    }

    [Fact]
    public void Pooling_interpolation_and_padding()
    {
        using var scope = DisposeScope.Enter();
        var img = F64([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 1, 1, 4, 4);
        Near([5, 7, 13, 15], Functional.MaxPool2d(img, 2, 2));
        Near([5, 7, 13, 15], Functional.MaxPool2d(img, 3, 2, padding: 1).Reshape(-1)); // ResNet's stem pool
        Near([2.5, 4.5, 10.5, 12.5], Functional.AvgPool2d(img, 2, 2));
        // Legacy nearest: src = floor(dst * in / out): 4 -> 3 picks rows/cols 0, 1, 2.
        Near([0, 1, 2, 4, 5, 6, 8, 9, 10], Functional.Interpolate(img, 3, 3));
        // 4 -> 2 picks 0 and 2.
        Near([0, 2, 8, 10], Functional.Interpolate(img, 2, 2));
        // Bilinear 2x2 -> 3x3 with align_corners: midpoints average.
        var small = F64([0, 2, 4, 6], 1, 1, 2, 2);
        Near([0, 1, 2, 2, 3, 4, 4, 5, 6], Functional.Interpolate(small, 3, 3, InterpolationMode.Bilinear, alignCorners: true));
        Near([0, 0, 0, 0, 1, 0, 0, 0, 0], Functional.Pad(F64([1], 1, 1), [1, 1, 1, 1]));
        Near([1], Functional.Interpolate(F64([1, 2, 3, 4], 1, 1, 2, 2), 0.5, 0.5)); // floor(2 * 0.5) = 1 pixel
    }

    [Fact]
    public void Grid_sample_reads_corners_and_centres()
    {
        using var scope = DisposeScope.Enter();
        var img = F64([0, 1, 2, 3], 1, 1, 2, 2);
        // align_corners: (-1,-1) is pixel (0,0), (1,1) is pixel (1,1), (0,0) the average.
        var grid = F64([-1, -1, 1, 1, 0, 0, 1, -1], 1, 1, 4, 2);
        Near([0, 3, 1.5, 1], Functional.GridSample(img, grid, alignCorners: true));
        // Without align_corners, (-1,-1) is the outer corner: bilinear with zero padding gives a quarter of pixel 0.
        Near([0, 0.75], Functional.GridSample(img, F64([-1, -1, 1, 1], 1, 1, 2, 2), alignCorners: false));
        Near([0, 3], Functional.GridSample(img, F64([-1, -1, 1, 1], 1, 1, 2, 2), padding: GridSamplePadding.Border, alignCorners: false));
        Near([3], Functional.GridSample(img, F64([0.6, 0.6], 1, 1, 1, 2), GridSampleMode.Nearest, alignCorners: true));
    }

    [Fact]
    public void Losses_match_pytorch_definitions()
    {
        using var scope = DisposeScope.Enter();
        var logits = F64([0.5, -1, 2]);
        var target = F64([1, 0, 1]);
        double Bce(double x, double y) => -(y * Math.Log(1 / (1 + Math.Exp(-x))) + (1 - y) * Math.Log(1 - 1 / (1 + Math.Exp(-x))));
        var each = new[] { Bce(0.5, 1), Bce(-1, 0), Bce(2, 1) };
        Near(each, Functional.BinaryCrossEntropyWithLogits(logits, target, reduction: Reduction.None));
        Near([each.Average()], Functional.BinaryCrossEntropyWithLogits(logits, target).Reshape(1));
        // Cross-entropy with class weights: weighted mean sum(w_y * l) / sum(w_y).
        var ce = F64([1, 2, 3, 1, 1, 1], 2, 3);
        var labels = I64([2, 0]);
        var l0 = -Math.Log(Math.Exp(3) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3)));
        var l1 = -Math.Log(1.0 / 3);
        Near([(l0 + l1) / 2], Functional.CrossEntropy(ce, labels).Reshape(1));
        Near([(0.1 * l0 + 1 * l1) / 1.1], Functional.CrossEntropy(ce, labels, F64([1, 1, 0.1])).Reshape(1));
        Near([l0 + l1], Functional.CrossEntropy(ce, labels, reduction: Reduction.Sum).Reshape(1));
        Near([1.5], Functional.L1Loss(F64([1, 2]), F64([0, 4])).Reshape(1));
        Near([2.5], Functional.MseLoss(F64([1, 2]), F64([0, 4])).Reshape(1));
        Near([0.5 * 0.25, 1.5], Functional.SmoothL1Loss(F64([0.5, 2]), F64([0, 0]), Reduction.None));
        Assert.Throws<TorchException>(() => Functional.CrossEntropy(ce, I64([5, 0])));
    }
}
