using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_creation.cpp. The last three arguments are (dtype, device type, device index).
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial IntPtr dt_empty(long* dims, int ndims, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_from_blob(void* data, long* dims, int ndims, int dtype, delegate* unmanaged<void*, void*, void> release, void* context);
    [LibraryImport(Library)] public static partial IntPtr dt_zeros(long* dims, int ndims, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_ones(long* dims, int ndims, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_full(long* dims, int ndims, double value, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_arange(double start, double end, double step, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_linspace(double start, double end, long steps, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_eye(long n, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_randn(long* dims, int ndims, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_rand(long* dims, int ndims, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_randint(long low, long high, long* dims, int ndims, int dtype, int dev, int idx);
}
