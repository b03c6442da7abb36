using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_profile.cpp.
internal static partial class NativeMethods
{
    [LibraryImport(Library)] public static partial int dt_profile_begin();
    [LibraryImport(Library)] public static partial IntPtr dt_profile_end();
}
