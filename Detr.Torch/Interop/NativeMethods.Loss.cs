using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_loss.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial IntPtr dt_bce_with_logits(TensorHandle x, TensorHandle target, IntPtr weight, IntPtr posWeight, int reduction);
    [LibraryImport(Library)] public static partial IntPtr dt_cross_entropy(TensorHandle logits, TensorHandle target, IntPtr weight, int reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(Library)] public static partial IntPtr dt_l1_loss(TensorHandle x, TensorHandle target, int reduction);
    [LibraryImport(Library)] public static partial IntPtr dt_mse_loss(TensorHandle x, TensorHandle target, int reduction);
    [LibraryImport(Library)] public static partial IntPtr dt_smooth_l1_loss(TensorHandle x, TensorHandle target, int reduction, double beta);
}
