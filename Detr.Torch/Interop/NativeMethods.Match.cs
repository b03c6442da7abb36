using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_match.cpp.
internal static partial class NativeMethods
{
    [LibraryImport(Library)]
    public static partial IntPtr dt_match_cost(TensorHandle classCost, TensorHandle boxes, TensorHandle targetBoxes,
                                               double classWeight, double l1Weight, double giouWeight);
}
