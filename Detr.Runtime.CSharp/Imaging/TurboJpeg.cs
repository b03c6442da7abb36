using System.Runtime.InteropServices;

namespace Detr.Runtime.Imaging;

/// <summary>P/Invoke declarations for libjpeg-turbo's TurboJPEG C API (turbojpeg.h, libturbojpeg.so.0).</summary>
internal static unsafe partial class TurboJpeg
{
    private const string Library = "turbojpeg";

    public const int PixelFormatRgb = 0;     // TJPF_RGB
    public const int Subsampling444 = 0;     // TJSAMP_444
    public const int Subsampling420 = 2;     // TJSAMP_420
    public const int SubsamplingGray = 3;    // TJSAMP_GRAY
    public const int ColourspaceYCbCr = 1;   // TJCS_YCbCr
    public const int ColourspaceGray = 2;    // TJCS_GRAY
    public const int FlagFastDct = 2048;     // TJFLAG_FASTDCT
    public const int FlagAccurateDct = 4096; // TJFLAG_ACCURATEDCT

    [StructLayout(LayoutKind.Sequential)]
    public struct ScalingFactor
    {
        public int Num;
        public int Denom;
    }

    [LibraryImport(Library)] public static partial IntPtr tjInitDecompress();
    [LibraryImport(Library)] public static partial IntPtr tjInitCompress();
    [LibraryImport(Library)] public static partial int tjDestroy(IntPtr handle);
    [LibraryImport(Library)] public static partial int tjDecompressHeader3(IntPtr handle, byte* jpeg, nuint size, out int width, out int height, out int subsampling, out int colorspace);
    [LibraryImport(Library)] public static partial int tjDecompress2(IntPtr handle, byte* jpeg, nuint size, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);
    [LibraryImport(Library)] public static partial int tjDecompressToYUVPlanes(IntPtr handle, byte* jpeg, nuint size, byte** planes, int width, int* strides, int height, int flags);
    [LibraryImport(Library)] public static partial int tjPlaneWidth(int component, int width, int subsampling);
    [LibraryImport(Library)] public static partial int tjPlaneHeight(int component, int height, int subsampling);
    [LibraryImport(Library)] public static partial int tjCompress2(IntPtr handle, byte* source, int width, int pitch, int height, int pixelFormat, ref IntPtr jpeg, ref nuint size, int subsampling, int quality, int flags);
    [LibraryImport(Library)] public static partial void tjFree(IntPtr buffer);
    [LibraryImport(Library)] public static partial IntPtr tjGetErrorStr2(IntPtr handle);
    [LibraryImport(Library)] public static partial ScalingFactor* tjGetScalingFactors(out int count);

    /// <summary>Resolves "turbojpeg" to the runtime library (Debian ships libturbojpeg.so.0, the .so link only with -dev).</summary>
    static TurboJpeg() =>
        NativeLibrary.SetDllImportResolver(typeof(TurboJpeg).Assembly, (name, assembly, paths) =>
        {
            if (name != Library) return IntPtr.Zero;
            foreach (var candidate in new[] { "libturbojpeg.so.0", "libturbojpeg.so", "turbojpeg" })
                if (NativeLibrary.TryLoad(candidate, assembly, paths, out var handle)) return handle;
            return IntPtr.Zero;
        });

    public static string Error(IntPtr handle) => Marshal.PtrToStringUTF8(tjGetErrorStr2(handle)) ?? "unknown libjpeg-turbo error";
}
