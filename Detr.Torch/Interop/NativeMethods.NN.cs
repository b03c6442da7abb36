using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_nn.cpp. Optional tensors are raw handles (IntPtr.Zero = absent).
internal static unsafe partial class NativeMethods
{
    public enum Activation { Relu, Gelu, GeluTanh, Silu, LeakyRelu }

    [LibraryImport(Library)] public static partial IntPtr dt_linear(TensorHandle x, TensorHandle w, IntPtr b);
    [LibraryImport(Library)] public static partial IntPtr dt_conv2d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(Library)] public static partial IntPtr dt_batch_norm(TensorHandle x, IntPtr weight, IntPtr bias, IntPtr runningMean, IntPtr runningVar, int training, double momentum, double eps);
    [LibraryImport(Library)] public static partial IntPtr dt_layer_norm(TensorHandle x, long* shape, int n, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(Library)] public static partial IntPtr dt_group_norm(TensorHandle x, long groups, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(Library)] public static partial IntPtr dt_activation(TensorHandle x, Activation kind, double parameter);
    [LibraryImport(Library)] public static partial IntPtr dt_softmax(TensorHandle x, long dim);
    [LibraryImport(Library)] public static partial IntPtr dt_log_softmax(TensorHandle x, long dim);
    [LibraryImport(Library)] public static partial IntPtr dt_dropout(TensorHandle x, double p, int training);
    [LibraryImport(Library)] public static partial IntPtr dt_max_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [LibraryImport(Library)] public static partial IntPtr dt_avg_pool2d(TensorHandle x, long* kernel, long* stride, long* padding);
    [LibraryImport(Library)] public static partial IntPtr dt_interpolate(TensorHandle x, long outH, long outW, int mode, int alignCorners);
    [LibraryImport(Library)] public static partial IntPtr dt_grid_sample(TensorHandle input, TensorHandle grid, int mode, int padding, int alignCorners);
    [LibraryImport(Library)] public static partial IntPtr dt_pad(TensorHandle x, long* pad, int n, double value);
}
