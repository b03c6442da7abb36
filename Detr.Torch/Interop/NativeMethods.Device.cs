using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_device.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial int dt_cuda_is_available();
    [LibraryImport(Library)] public static partial int dt_cuda_device_count();
    [LibraryImport(Library)] public static partial int dt_cuda_synchronize(int deviceIndex);
    [LibraryImport(Library)] public static partial int dt_cuda_built();
    [LibraryImport(Library)] public static partial int dt_cuda_memory_stats(int deviceIndex, long* allocated, long* peak);
    [LibraryImport(Library)] public static partial int dt_cuda_reset_peak_memory(int deviceIndex);
}
