using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

/// <summary>
/// P/Invoke declarations, one partial file per native translation unit
/// (<c>native/dt_common.cpp</c> ⇔ <c>NativeMethods.Common.cs</c>), with the native names kept.
/// Conventions: functions returning a handle return <see cref="IntPtr.Zero"/> on failure and
/// functions returning a status return a negative value; <see cref="Check(int)"/> and
/// <c>Tensor.Wrap</c> turn both into a <see cref="TorchException"/> carrying the native message.
/// Native strings are borrowed (<c>const char*</c>) and copied out, never freed here.
/// </summary>
internal static partial class NativeMethods
{
    public const string Library = "detr_torch";

    [LibraryImport(Library)] public static partial IntPtr dt_last_error();
    [LibraryImport(Library)] public static partial void dt_clear_error();
    [LibraryImport(Library)] public static partial void dt_tensor_free(IntPtr tensor);
    [LibraryImport(Library)] public static partial long dt_live_tensor_count();
    [LibraryImport(Library)] public static partial IntPtr dt_tensor_share(TensorHandle tensor);
    [LibraryImport(Library)] public static partial IntPtr dt_torch_version();
    [LibraryImport(Library)] public static partial int dt_set_num_threads(int n);
    [LibraryImport(Library)] public static partial int dt_get_num_threads();
    [LibraryImport(Library)] public static partial int dt_get_blas_threads();
    [LibraryImport(Library)] public static partial int dt_set_blas_threads(int n);
    [LibraryImport(Library)] public static partial int dt_manual_seed(ulong seed);
    [LibraryImport(Library)] public static partial int dt_set_grad_enabled(int enabled);
    [LibraryImport(Library)] public static partial int dt_is_grad_enabled();
    [LibraryImport(Library)] public static partial IntPtr dt_show_config();
    [LibraryImport(Library)] public static partial IntPtr dt_parallel_info();

    /// <summary>The calling thread's last native error, copied out.</summary>
    public static string LastError() => Marshal.PtrToStringUTF8(dt_last_error()) ?? "unknown native error";

    /// <summary>Throws the last native error when a status is negative; returns the status otherwise.</summary>
    public static int Check(int status) => status < 0 ? throw new TorchException(LastError()) : status;

    public static long Check(long status) => status < 0 ? throw new TorchException(LastError()) : status;

    /// <summary>A borrowed native string copied out; null pointer = failure.</summary>
    public static string Text(IntPtr text) =>
        text == IntPtr.Zero ? throw new TorchException(LastError()) : Marshal.PtrToStringUTF8(text) ?? "";

    /// <summary>
    /// Finds the shim: $DETR_TORCH_NATIVE (a file), next to the application, or the repository's
    /// native/build folder (walking up from the application, for tests and tools run in place).
    /// </summary>
#pragma warning disable CA2255 // a library's resolver must be in place before its first P/Invoke
    [ModuleInitializer]
    internal static void RegisterResolver() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
#pragma warning restore CA2255

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? paths)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (var candidate in Candidates())
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var loaded)) return loaded;
        return IntPtr.Zero; // the runtime then reports DllNotFoundException naming the library
    }

    private static IEnumerable<string> Candidates()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DETR_TORCH_NATIVE");
        if (!string.IsNullOrEmpty(fromEnvironment)) yield return fromEnvironment;
        yield return Path.Combine(AppContext.BaseDirectory, "libdetr_torch.so");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            yield return Path.Combine(dir.FullName, "Detr.Torch", "native", "build", "libdetr_torch.so");
    }
}
