using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_math.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial IntPtr dt_add(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Library)] public static partial IntPtr dt_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] public static partial IntPtr dt_sum(TensorHandle t);
}
