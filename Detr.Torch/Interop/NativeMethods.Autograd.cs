using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_autograd.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial int dt_requires_grad(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_set_requires_grad(TensorHandle t, int requires);
    [LibraryImport(Library)] public static partial int dt_is_leaf(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_backward(TensorHandle t, IntPtr gradient, int retainGraph, int createGraph);
    [LibraryImport(Library)] public static partial int dt_grad(TensorHandle t, IntPtr* output);
    [LibraryImport(Library)] public static partial int dt_set_grad(TensorHandle t, IntPtr grad);
    [LibraryImport(Library)] public static partial IntPtr dt_detach(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_detach_(TensorHandle t);
    [LibraryImport(Library)] public static partial int dt_autograd_grad(IntPtr* outputs, int nOut, IntPtr* gradOutputs, IntPtr* inputs, int nIn, int retainGraph, int createGraph, int allowUnused, IntPtr* output);
}
