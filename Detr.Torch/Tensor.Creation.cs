using Detr.Torch.Interop;

namespace Detr.Torch;

// Creation (native/dt_creation.cpp), as static members: Tensor.Zeros([2, 3]). Defaults are float32 on the
// CPU (int64 for Arange with integers), as in PyTorch.
public sealed unsafe partial class Tensor
{
    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_empty(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_zeros(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_ones(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    public static Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_full(dims, shape.Length, value, (int)dtype, (int)device.Type, device.Index));
    }

    /// <summary>Values in [start, end) spaced by step (int64 by default, as <c>torch.arange</c> with integers).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device device = default) =>
        Wrap(NativeMethods.dt_arange(start, end, step, (int)dtype, (int)device.Type, device.Index));

    public static Tensor Arange(long end, DType dtype = DType.Int64, Device device = default) => Arange(0, end, 1, dtype, device);

    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device device = default) =>
        Wrap(NativeMethods.dt_linspace(start, end, steps, (int)dtype, (int)device.Type, device.Index));

    public static Tensor Eye(long n, DType dtype = DType.Float32, Device device = default) =>
        Wrap(NativeMethods.dt_eye(n, (int)dtype, (int)device.Type, device.Index));

    /// <summary>Standard normal samples from the default generator.</summary>
    public static Tensor Randn(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_randn(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_rand(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor Randint(long low, long high, long[] shape, DType dtype = DType.Int64, Device device = default)
    {
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_randint(low, high, dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }
}

