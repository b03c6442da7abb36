using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_optim.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)] public static partial int dt_adamw_step(IntPtr* parameters, IntPtr* expAvgs, IntPtr* expAvgSqs, long* steps, int n, double lr, double beta1, double beta2, double eps, double weightDecay);
    [LibraryImport(Library)] public static partial int dt_sgd_step(IntPtr* parameters, IntPtr* momentumBuffers, int* first, int n, double lr, double momentum, double dampening, double weightDecay, int nesterov);
    [LibraryImport(Library)] public static partial int dt_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, double normType, double* total);
}
