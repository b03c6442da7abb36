using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>CUDA queries. On a CPU-only libtorch: not available, no devices, zero memory.</summary>
public static unsafe class Cuda
{
    public static bool IsAvailable => NativeMethods.dt_cuda_is_available() == 1;

    public static int DeviceCount => NativeMethods.dt_cuda_device_count();

    /// <summary>Whether the shim was compiled against a CUDA-enabled libtorch.</summary>
    public static bool IsBuiltWithCuda => NativeMethods.dt_cuda_built() == 1;

    /// <summary>Waits for every kernel on the device (-1: current device) to finish.</summary>
    public static void Synchronize(int device = -1) => NativeMethods.Check(NativeMethods.dt_cuda_synchronize(device));

    /// <summary>Bytes held by tensors on the device now, and the peak since the last reset.</summary>
    public static (long Allocated, long Peak) MemoryStats(int device = 0)
    {
        long allocated, peak;
        NativeMethods.Check(NativeMethods.dt_cuda_memory_stats(device, &allocated, &peak));
        return (allocated, peak);
    }

    public static void ResetPeakMemory(int device = 0) => NativeMethods.Check(NativeMethods.dt_cuda_reset_peak_memory(device));
}
