using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>Facts about the native shim itself, for benchmarks and leak checks.</summary>
public static class Native
{
    /// <summary>Seconds taken by <paramref name="iterations"/> adds of a and b in a C++ loop inside the shim.</summary>
    public static double AddLoopSeconds(Tensor a, Tensor b, long iterations)
    {
        var seconds = NativeMethods.dt_bench_add_loop(a.Handle, b.Handle, iterations);
        return seconds < 0 ? throw new TorchException(NativeMethods.LastError()) : seconds;
    }

    /// <summary>Tensor handles currently owned by managed code.</summary>
    public static long LiveTensors => NativeMethods.dt_live_tensor_count();
}
