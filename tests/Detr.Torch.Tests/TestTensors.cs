using Detr.Torch;

namespace Detr.Torch.Tests;

/// <summary>Small helpers shared by the op tests: make float64 tensors, read values back, compare.</summary>
internal static class TestTensors
{
    public static Tensor F64(double[] values, params long[] shape) => Tensor.From(values, shape.Length == 0 ? [values.Length] : shape);

    public static Tensor F32(float[] values, params long[] shape) => Tensor.From(values, shape.Length == 0 ? [values.Length] : shape);

    public static Tensor I64(long[] values, params long[] shape) => Tensor.From(values, shape.Length == 0 ? [values.Length] : shape);

    public static double[] Values(Tensor t)
    {
        using var d = t.To(DType.Float64);
        return d.ToArray<double>();
    }

    public static void Near(double[] expected, Tensor actual, double tolerance = 1e-6)
    {
        var got = Values(actual);
        Assert.Equal(expected.Length, got.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                        $"element {i}: expected {expected[i]}, got {got[i]}");
    }

    public static void Shape(long[] expected, Tensor actual) => Assert.Equal(expected, actual.Shape);
}
