using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_index.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial IntPtr dt_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] public static partial IntPtr dt_index(TensorHandle t, IntPtr* indices, int n);
    [LibraryImport(Library)] public static partial int dt_index_put_(TensorHandle t, IntPtr* indices, int n, TensorHandle values, int accumulate);
    [LibraryImport(Library)] public static partial IntPtr dt_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] public static partial IntPtr dt_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle source);
    [LibraryImport(Library)] public static partial IntPtr dt_scatter_value(TensorHandle t, long dim, TensorHandle index, double value);
    [LibraryImport(Library)] public static partial IntPtr dt_scatter_add(TensorHandle t, long dim, TensorHandle index, TensorHandle source);
    [LibraryImport(Library)] public static partial IntPtr dt_masked_fill(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Library)] public static partial IntPtr dt_masked_fill_tensor(TensorHandle t, TensorHandle mask, TensorHandle value);
    [LibraryImport(Library)] public static partial int dt_masked_fill_(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Library)] public static partial IntPtr dt_masked_select(TensorHandle t, TensorHandle mask);
    [LibraryImport(Library)] public static partial IntPtr dt_where(TensorHandle condition, TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] public static partial IntPtr dt_nonzero(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_topk(TensorHandle t, long k, long dim, int largest, int sorted, IntPtr* output);
    [LibraryImport(Library)] public static partial int dt_sort(TensorHandle t, long dim, int descending, int stable, IntPtr* output);
    [LibraryImport(Library)] public static partial IntPtr dt_argsort(TensorHandle t, long dim, int descending, int stable);
    [LibraryImport(Library)] public static partial IntPtr dt_argmax(TensorHandle t, long dim, int keepdim);
    [LibraryImport(Library)] public static partial IntPtr dt_argmin(TensorHandle t, long dim, int keepdim);
    [LibraryImport(Library)] public static partial int dt_unique(TensorHandle t, int sorted, int returnInverse, int returnCounts, IntPtr* output);
}
