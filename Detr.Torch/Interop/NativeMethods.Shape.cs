using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_shape.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial IntPtr dt_view(TensorHandle t, long* dims, int n);
    [LibraryImport(Library)] public static partial IntPtr dt_reshape(TensorHandle t, long* dims, int n);
    [LibraryImport(Library)] public static partial IntPtr dt_permute(TensorHandle t, long* dims, int n);
    [LibraryImport(Library)] public static partial IntPtr dt_transpose(TensorHandle t, long dim0, long dim1);
    [LibraryImport(Library)] public static partial IntPtr dt_flatten(TensorHandle t, long start, long end);
    [LibraryImport(Library)] public static partial IntPtr dt_unflatten(TensorHandle t, long dim, long* sizes, int n);
    [LibraryImport(Library)] public static partial IntPtr dt_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Library)] public static partial IntPtr dt_squeeze(TensorHandle t, long dim);
    [LibraryImport(Library)] public static partial IntPtr dt_expand(TensorHandle t, long* dims, int n);
    [LibraryImport(Library)] public static partial IntPtr dt_repeat(TensorHandle t, long* repeats, int n);
    [LibraryImport(Library)] public static partial IntPtr dt_cat(IntPtr* tensors, int n, long dim);
    [LibraryImport(Library)] public static partial IntPtr dt_stack(IntPtr* tensors, int n, long dim);
    [LibraryImport(Library)] public static partial int dt_split(TensorHandle t, long size, long dim, IntPtr* output, int capacity);
    [LibraryImport(Library)] public static partial int dt_split_sizes(TensorHandle t, long* sizes, int n, long dim, IntPtr* output, int capacity);
    [LibraryImport(Library)] public static partial int dt_chunk(TensorHandle t, long chunks, long dim, IntPtr* output, int capacity);
    [LibraryImport(Library)] public static partial int dt_unbind(TensorHandle t, long dim, IntPtr* output, int capacity);
    [LibraryImport(Library)] public static partial IntPtr dt_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Library)] public static partial IntPtr dt_slice(TensorHandle t, long dim, long start, long end, long step);
    [LibraryImport(Library)] public static partial IntPtr dt_select(TensorHandle t, long dim, long index);
    [LibraryImport(Library)] public static partial IntPtr dt_flip(TensorHandle t, long* dims, int n);
    [LibraryImport(Library)] public static partial IntPtr dt_roll(TensorHandle t, long* shifts, int nshifts, long* dims, int ndims);
    [LibraryImport(Library)] public static partial IntPtr dt_as_strided(TensorHandle t, long* sizes, long* strides, int n, long offset);
    [LibraryImport(Library)] public static partial IntPtr dt_tril(TensorHandle t, long diagonal);
    [LibraryImport(Library)] public static partial IntPtr dt_triu(TensorHandle t, long diagonal);
}
