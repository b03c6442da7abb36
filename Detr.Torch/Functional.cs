using Detr.Torch.Interop;

namespace Detr.Torch;

public enum InterpolationMode { Nearest = 0, Bilinear = 1 }

public enum GridSampleMode { Bilinear = 0, Nearest = 1 }

public enum GridSamplePadding { Zeros = 0, Border = 1, Reflection = 2 }

/// <summary>Neural-network functional ops, as <c>torch.nn.functional</c> (native/dt_nn.cpp).</summary>
public static unsafe partial class Functional
{
    /// <summary>x [.., In] · wᵀ [In, Out] + b → [.., Out].</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        var r = Tensor.Wrap(NativeMethods.dt_linear(x.Handle, weight.Handle, Tensor.Raw(bias)));
        GC.KeepAlive(bias);
        FlopCounter.Linear(r, weight);
        return r;
    }

    /// <summary>x [N, Cin, H, W], weight [Cout, Cin/groups, kH, kW] → [N, Cout, H', W'].</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv2d(x, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups = 1)
    {
        long* s = stackalloc long[] { stride.H, stride.W };
        long* p = stackalloc long[] { padding.H, padding.W };
        long* d = stackalloc long[] { dilation.H, dilation.W };
        var r = Tensor.Wrap(NativeMethods.dt_conv2d(x.Handle, weight.Handle, Tensor.Raw(bias), s, p, d, groups));
        GC.KeepAlive(bias);
        FlopCounter.Conv2d(r, weight);
        return r;
    }

    /// <summary>
    /// Batch normalisation; in training mode the running statistics are updated in place, unless they are
    /// frozen on this thread (<see cref="RunningStatistics.Freeze"/>: batch statistics only).
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
                                   bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        if (training && RunningStatistics.FrozenOnThisThread) (runningMean, runningVar) = (null, null);
        var r = Tensor.Wrap(NativeMethods.dt_batch_norm(x.Handle, Tensor.Raw(weight), Tensor.Raw(bias), Tensor.Raw(runningMean), Tensor.Raw(runningVar),
                                                        training ? 1 : 0, momentum, eps));
        GC.KeepAlive(runningMean); GC.KeepAlive(runningVar); GC.KeepAlive(weight); GC.KeepAlive(bias);
        return r;
    }

    /// <summary>Normalises over the trailing <paramref name="normalizedShape"/> dims.</summary>
    public static Tensor LayerNorm(Tensor x, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* s = normalizedShape)
        {
            var r = Tensor.Wrap(NativeMethods.dt_layer_norm(x.Handle, s, normalizedShape.Length, Tensor.Raw(weight), Tensor.Raw(bias), eps));
            GC.KeepAlive(weight); GC.KeepAlive(bias);
            return r;
        }
    }

    public static Tensor GroupNorm(Tensor x, int groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        var r = Tensor.Wrap(NativeMethods.dt_group_norm(x.Handle, groups, Tensor.Raw(weight), Tensor.Raw(bias), eps));
        GC.KeepAlive(weight); GC.KeepAlive(bias);
        return r;
    }

    public static Tensor Relu(Tensor x) => Tensor.Wrap(NativeMethods.dt_activation(x.Handle, NativeMethods.Activation.Relu, 0));

    /// <summary>GELU, exact (erf) or with the tanh approximation.</summary>
    public static Tensor Gelu(Tensor x, bool tanhApproximation = false) =>
        Tensor.Wrap(NativeMethods.dt_activation(x.Handle, tanhApproximation ? NativeMethods.Activation.GeluTanh : NativeMethods.Activation.Gelu, 0));

    public static Tensor Silu(Tensor x) => Tensor.Wrap(NativeMethods.dt_activation(x.Handle, NativeMethods.Activation.Silu, 0));

    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01) =>
        Tensor.Wrap(NativeMethods.dt_activation(x.Handle, NativeMethods.Activation.LeakyRelu, negativeSlope));

    public static Tensor Softmax(Tensor x, int dim) => Tensor.Wrap(NativeMethods.dt_softmax(x.Handle, dim));

    public static Tensor LogSoftmax(Tensor x, int dim) => Tensor.Wrap(NativeMethods.dt_log_softmax(x.Handle, dim));

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1−p) when training.</summary>
    public static Tensor Dropout(Tensor x, double p, bool training) => Tensor.Wrap(NativeMethods.dt_dropout(x.Handle, p, training ? 1 : 0));

    public static Tensor MaxPool2d(Tensor x, int kernel, int stride, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        long* k = stackalloc long[] { kernel, kernel };
        long* s = stackalloc long[] { stride, stride };
        long* p = stackalloc long[] { padding, padding };
        long* d = stackalloc long[] { dilation, dilation };
        return Tensor.Wrap(NativeMethods.dt_max_pool2d(x.Handle, k, s, p, d, ceilMode ? 1 : 0));
    }

    public static Tensor AvgPool2d(Tensor x, int kernel, int stride, int padding = 0)
    {
        long* k = stackalloc long[] { kernel, kernel };
        long* s = stackalloc long[] { stride, stride };
        long* p = stackalloc long[] { padding, padding };
        return Tensor.Wrap(NativeMethods.dt_avg_pool2d(x.Handle, k, s, p));
    }

    /// <summary>
    /// Resizes x [N, C, H, W] to (height, width). Nearest is PyTorch's legacy 'nearest'
    /// (source index floor(dst · in / out)), which DETR uses to downsample padding masks.
    /// </summary>
    public static Tensor Interpolate(Tensor x, long height, long width, InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false) =>
        Tensor.Wrap(NativeMethods.dt_interpolate(x.Handle, height, width, (int)mode, alignCorners ? 1 : 0));

    /// <summary>Resize by scale factors; the output size is floor(size · scale), as F.interpolate.</summary>
    public static Tensor Interpolate(Tensor x, double scaleH, double scaleW, InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false)
    {
        var shape = x.Shape;
        return Interpolate(x, (long)Math.Floor(shape[2] * scaleH), (long)Math.Floor(shape[3] * scaleW), mode, alignCorners);
    }

    /// <summary>input [N, C, H, W], grid [N, Ho, Wo, 2] of (x, y) in [−1, 1] → [N, C, Ho, Wo].</summary>
    public static Tensor GridSample(Tensor input, Tensor grid, GridSampleMode mode = GridSampleMode.Bilinear,
                                    GridSamplePadding padding = GridSamplePadding.Zeros, bool alignCorners = false) =>
        Tensor.Wrap(NativeMethods.dt_grid_sample(input.Handle, grid.Handle, (int)mode, (int)padding, alignCorners ? 1 : 0));

    /// <summary>Constant padding; <paramref name="pad"/> lists (before, after) pairs from the last dim backwards, as F.pad.</summary>
    public static Tensor Pad(Tensor x, long[] pad, double value = 0)
    {
        fixed (long* p = pad) return Tensor.Wrap(NativeMethods.dt_pad(x.Handle, p, pad.Length, value));
    }
}
