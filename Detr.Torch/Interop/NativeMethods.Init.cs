using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_init.cpp.
internal static partial class NativeMethods
{
    [LibraryImport(Library)] public static partial int dt_uniform_(TensorHandle t, double from, double to);
    [LibraryImport(Library)] public static partial int dt_normal_(TensorHandle t, double mean, double std);
}
