using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_random.cpp.
internal static partial class NativeMethods
{
    [LibraryImport(Library)] public static partial IntPtr dt_get_rng_state();
    [LibraryImport(Library)] public static partial int dt_set_rng_state(TensorHandle state);
    [LibraryImport(Library)] public static partial IntPtr dt_randperm(long n, int dtype, int dev, int idx);
    [LibraryImport(Library)] public static partial IntPtr dt_bernoulli(TensorHandle t, double p);
}
