using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_reduce.cpp.
internal static unsafe partial class NativeMethods
{
    public enum ReduceOp { Sum, Mean, Amax, Amin, All, Any, LogSumExp }

    [LibraryImport(Library)] public static partial IntPtr dt_reduce(TensorHandle t, ReduceOp op, long* dims, int ndims, int keepdim, int dtype);
    [LibraryImport(Library)] public static partial IntPtr dt_prod(TensorHandle t, long dim, int keepdim, int dtype);
    [LibraryImport(Library)] public static partial int dt_max_dim(TensorHandle t, long dim, int keepdim, IntPtr* output);
    [LibraryImport(Library)] public static partial int dt_min_dim(TensorHandle t, long dim, int keepdim, IntPtr* output);
    [LibraryImport(Library)] public static partial IntPtr dt_cumsum(TensorHandle t, long dim, int dtype);
    [LibraryImport(Library)] public static partial IntPtr dt_norm(TensorHandle t, double p, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] public static partial IntPtr dt_std_var(TensorHandle t, int variance, long* dims, int ndims, int unbiased, int keepdim);
}
