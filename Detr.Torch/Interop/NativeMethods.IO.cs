using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_io.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial int dt_tensor_dim(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_tensor_sizes(TensorHandle t, long* output, int capacity);
    [LibraryImport(Library)] public static partial int dt_tensor_strides(TensorHandle t, long* output, int capacity);
    [LibraryImport(Library)] public static partial long dt_tensor_numel(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_tensor_dtype(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_tensor_device(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_tensor_is_contiguous(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_tensor_defined(TensorHandle t);
    [LibraryImport(Library)] public static partial IntPtr dt_tensor_from_data(void* data, long nbytes, int dtype, long* dims, int ndims);
    [LibraryImport(Library)] public static partial int dt_tensor_copy_to(TensorHandle t, int dtype, void* output, long nbytes);
    [LibraryImport(Library)] public static partial int dt_tensor_item_double(TensorHandle t, double* output);
    [LibraryImport(Library)] public static partial int dt_tensor_item_int64(TensorHandle t, long* output);
    [LibraryImport(Library)] public static partial IntPtr dt_tensor_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, int nonBlocking);
    [LibraryImport(Library)] public static partial IntPtr dt_tensor_contiguous(TensorHandle t);
    [LibraryImport(Library)] public static partial IntPtr dt_tensor_clone(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_tensor_copy_(TensorHandle destination, TensorHandle source);
    [LibraryImport(Library)] public static partial int dt_tensor_set_data(TensorHandle t, TensorHandle value);
    [LibraryImport(Library)] public static partial void* dt_tensor_data_ptr(TensorHandle t);
    [LibraryImport(Library)] public static partial double dt_bench_add_loop(TensorHandle a, TensorHandle b, long iterations);
}
