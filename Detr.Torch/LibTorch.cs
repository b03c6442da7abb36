using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>Library-wide settings and queries: version, threads, seeds, grad mode.</summary>
public static class LibTorch
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

    /// <summary>
    /// OpenBLAS's own thread count (its pool is separate from libtorch's intra-op threads), or null when the
    /// loaded BLAS is not OpenBLAS; setting it where there is no OpenBLAS does nothing.
    /// </summary>
    public static int? BlasThreads
    {
        get => NativeMethods.dt_get_blas_threads() is var n and > 0 ? n : null;
        set
        {
            if (value is { } n) NativeMethods.Check(NativeMethods.dt_set_blas_threads(n));
        }
    }

    /// <summary>Seeds the default generators (CPU and every CUDA device).</summary>
    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.dt_manual_seed(seed));

    /// <summary>Whether operations on this thread record gradients.</summary>
    public static bool IsGradEnabled => NativeMethods.dt_is_grad_enabled() == 1;

    /// <summary>Disables gradient recording on this thread until disposed (PyTorch's <c>no_grad</c>).</summary>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Enables gradient recording on this thread until disposed.</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);
}

/// <summary>Restores the previous grad mode of this thread when disposed.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly int previous;

    internal GradModeScope(bool enabled) => previous = NativeMethods.Check(NativeMethods.dt_set_grad_enabled(enabled ? 1 : 0));

    public void Dispose() => NativeMethods.dt_set_grad_enabled(previous);
}
