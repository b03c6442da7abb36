using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>In-place initialisation as <c>torch.nn.init</c>, never recorded by autograd.</summary>
public static class Init
{
    public static Tensor Uniform_(Tensor t, double from = 0, double to = 1)
    {
        NativeMethods.Check(NativeMethods.dt_uniform_(t.Handle, from, to));
        return t;
    }

    public static Tensor Normal_(Tensor t, double mean = 0, double std = 1)
    {
        NativeMethods.Check(NativeMethods.dt_normal_(t.Handle, mean, std));
        return t;
    }

    public static Tensor Constant_(Tensor t, double value)
    {
        using (LibTorch.NoGrad()) t.Fill_(value);
        return t;
    }

    public static Tensor Zeros_(Tensor t) => Constant_(t, 0);

    public static Tensor Ones_(Tensor t) => Constant_(t, 1);

    /// <summary>(fan_in, fan_out) as torch.nn.init._calculate_fan_in_and_fan_out (≥ 2 dims).</summary>
    public static (long FanIn, long FanOut) Fans(Tensor t)
    {
        var shape = t.Shape;
        if (shape.Length < 2) throw new ArgumentException($"fan in and fan out need at least 2 dimensions, got {shape.Length}");
        long receptive = 1;
        for (var i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    public static Tensor XavierUniform_(Tensor t, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(t);
        var a = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform_(t, -a, a);
    }

    public static Tensor XavierNormal_(Tensor t, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(t);
        return Normal_(t, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>Gain of a nonlinearity for Kaiming init ("relu", "leaky_relu" with slope a, "linear").</summary>
    public static double Gain(string nonlinearity, double a = 0) => nonlinearity switch
    {
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + a * a)),
        "linear" or "sigmoid" or "conv2d" => 1.0,
        "tanh" => 5.0 / 3,
        _ => throw new ArgumentException($"unknown nonlinearity '{nonlinearity}'"),
    };

    /// <summary>
    /// Kaiming uniform; nn.Linear and nn.Conv2d default to a = √5 with leaky_relu, giving bound 1/√fan_in.
    /// </summary>
    public static Tensor KaimingUniform_(Tensor t, double a = 0, bool fanOut = false, string nonlinearity = "leaky_relu")
    {
        var (fanIn, fo) = Fans(t);
        var bound = Gain(nonlinearity, a) * Math.Sqrt(3.0 / (fanOut ? fo : fanIn));
        return Uniform_(t, -bound, bound);
    }

    public static Tensor KaimingNormal_(Tensor t, double a = 0, bool fanOut = false, string nonlinearity = "leaky_relu")
    {
        var (fanIn, fo) = Fans(t);
        return Normal_(t, 0, Gain(nonlinearity, a) / Math.Sqrt(fanOut ? fo : fanIn));
    }
}
