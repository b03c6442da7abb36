using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>
/// Library-wide functions: tensor creation, settings (threads, seeds, grad mode) and queries.
/// Creation functions default to float32 on the CPU, as PyTorch does.
/// </summary>
public static unsafe partial class Torch
{
    /// <summary>libtorch's version string, e.g. "1.13.1".</summary>
    public static string Version => NativeMethods.Text(NativeMethods.dt_torch_version());

    /// <summary>libtorch's build configuration (BLAS, OpenMP, CPU capability ...).</summary>
    public static string BuildConfig => NativeMethods.Text(NativeMethods.dt_show_config());

    /// <summary>libtorch's thread-pool report (intra-op threads, OpenMP/MKL settings).</summary>
    public static string ParallelInfo => NativeMethods.Text(NativeMethods.dt_parallel_info());

    /// <summary>Intra-op thread count.</summary>
    public static int Threads
    {
        get => NativeMethods.dt_get_num_threads();
        set => NativeMethods.Check(NativeMethods.dt_set_num_threads(value));
    }

    /// <summary>Seeds the default generators (CPU and every CUDA device).</summary>
    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.dt_manual_seed(seed));

    /// <summary>Whether operations on this thread record gradients.</summary>
    public static bool IsGradEnabled => NativeMethods.dt_is_grad_enabled() == 1;

    /// <summary>Disables gradient recording on this thread until disposed (PyTorch's <c>no_grad</c>).</summary>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Enables gradient recording on this thread until disposed.</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);

    // ---- creation ----------------------------------------------------------------------------

    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Tensor.Wrap(NativeMethods.dt_empty(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Tensor.Wrap(NativeMethods.dt_zeros(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Tensor.Wrap(NativeMethods.dt_ones(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    public static Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Tensor.Wrap(NativeMethods.dt_full(dims, shape.Length, value, (int)dtype, (int)device.Type, device.Index));
    }

    /// <summary>Values in [start, end) spaced by step (int64 by default, as <c>torch.arange</c> with integers).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device device = default) =>
        Tensor.Wrap(NativeMethods.dt_arange(start, end, step, (int)dtype, (int)device.Type, device.Index));

    public static Tensor Arange(long end, DType dtype = DType.Int64, Device device = default) => Arange(0, end, 1, dtype, device);

    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device device = default) =>
        Tensor.Wrap(NativeMethods.dt_linspace(start, end, steps, (int)dtype, (int)device.Type, device.Index));

    public static Tensor Eye(long n, DType dtype = DType.Float32, Device device = default) =>
        Tensor.Wrap(NativeMethods.dt_eye(n, (int)dtype, (int)device.Type, device.Index));

    /// <summary>Standard normal samples from the default generator.</summary>
    public static Tensor Randn(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Tensor.Wrap(NativeMethods.dt_randn(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(long[] shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* dims = shape)
            return Tensor.Wrap(NativeMethods.dt_rand(dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor Randint(long low, long high, long[] shape, DType dtype = DType.Int64, Device device = default)
    {
        fixed (long* dims = shape)
            return Tensor.Wrap(NativeMethods.dt_randint(low, high, dims, shape.Length, (int)dtype, (int)device.Type, device.Index));
    }
}

/// <summary>Restores the previous grad mode of this thread when disposed.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly int previous;

    internal GradModeScope(bool enabled) => previous = NativeMethods.Check(NativeMethods.dt_set_grad_enabled(enabled ? 1 : 0));

    public void Dispose() => NativeMethods.dt_set_grad_enabled(previous);
}
