using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

// Mirrors native/dt_math.cpp. The op codes below are the native enums, in the same order.
internal static unsafe partial class NativeMethods
{
    public enum UnaryOp
    {
        Neg, Abs, Sign, Sqrt, Rsqrt, Exp, Log, Log1p, Log2, Sigmoid, Tanh, Sin, Cos, Reciprocal, Floor, Ceil,
        Round, Trunc, IsNan, IsInf, IsFinite, LogicalNot, Erf, Square, Expm1,
    }

    public enum BinaryOp
    {
        Add, Sub, Mul, Div, Pow, Atan2, Minimum, Maximum, Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr,
        LogicalXor, Remainder, FloorDivide, RSub, RDiv,
    }

    [LibraryImport(Library)] public static partial IntPtr dt_unary(TensorHandle t, UnaryOp op);
    [LibraryImport(Library)] public static partial IntPtr dt_binary(TensorHandle a, TensorHandle b, BinaryOp op);
    [LibraryImport(Library)] public static partial IntPtr dt_binary_scalar(TensorHandle a, double s, BinaryOp op);
    [LibraryImport(Library)] public static partial IntPtr dt_scalar_pow(double @base, TensorHandle exponent);
    [LibraryImport(Library)] public static partial IntPtr dt_add(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Library)] public static partial int dt_binary_(TensorHandle a, TensorHandle b, BinaryOp op, double alpha);
    [LibraryImport(Library)] public static partial int dt_binary_scalar_(TensorHandle a, double s, BinaryOp op);
    [LibraryImport(Library)] public static partial int dt_fill_(TensorHandle t, double value);
    [LibraryImport(Library)] public static partial int dt_zero_(TensorHandle t);
    [LibraryImport(Library)] public static partial IntPtr dt_clamp(TensorHandle t, int hasMin, double min, int hasMax, double max);
    [LibraryImport(Library)] public static partial int dt_clamp_(TensorHandle t, int hasMin, double min, int hasMax, double max);
    [LibraryImport(Library)] public static partial IntPtr dt_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] public static partial IntPtr dt_mm(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] public static partial IntPtr dt_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] public static partial IntPtr dt_outer(TensorHandle a, TensorHandle b);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr dt_einsum(string equation, IntPtr* tensors, int n);
    [LibraryImport(Library)] public static partial IntPtr dt_cdist(TensorHandle a, TensorHandle b, double p);
    [LibraryImport(Library)] public static partial int dt_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, int equalNan);
}
