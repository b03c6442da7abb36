using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Detr.Runtime.Data;

/// <summary>
/// A batch's 8-bit planes to the model's float input on the CPU in one pass: (v/255 − mean)/std as
/// v·scale + shift (a multiply, then an add: the same float operations as libtorch's mul_ and add_, so the
/// same bits as <see cref="Batch.ImagesOn"/> on another device), zero at the padding, written into pooled
/// memory. Three libtorch passes over a freshly allocated float tensor would cost ~20x more (page faults:
/// 16.5 against under 1 ms per 640-px image, measured).
/// </summary>
internal static unsafe class HostNormalisation
{
    /// <param name="pixels">[B, 3, H, W] levels.</param>
    /// <param name="images">[B, 3, H, W] output.</param>
    /// <param name="sizes">per image the extent of its pixels (the rest is padding).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalise(ReadOnlySpan<byte> pixels, Span<float> images, int h, int w, (int H, int W)[] sizes,
                                 float[] scale, float[] shift, bool vectorised = true)
    {
        var plane = h * w;
        if (pixels.Length < sizes.Length * 3 * plane || images.Length < sizes.Length * 3 * plane)
            throw new ArgumentException($"{sizes.Length} images of 3 x {h} x {w} do not fit the buffers");
        fixed (byte* src = pixels)
        fixed (float* dst = images)
            for (var i = 0; i < sizes.Length; i++)
                for (var c = 0; c < 3; c++)
                {
                    var offset = (i * 3 + c) * plane;
                    var (rows, columns) = sizes[i];
                    for (var y = 0; y < rows; y++)
                    {
                        var s = src + offset + y * w;
                        var d = dst + offset + y * w;
                        var x = vectorised && Avx2.IsSupported ? Row(s, d, columns, scale[c], shift[c]) : 0;
                        for (; x < columns; x++) d[x] = s[x] * scale[c] + shift[c];
                        new Span<float>(d + columns, w - columns).Clear();
                    }
                    new Span<float>(dst + offset + rows * w, (h - rows) * w).Clear();
                }
    }

    /// <summary>The row's first whole multiple of eight values; returns how many were written.</summary>
    private static int Row(byte* s, float* d, int columns, float scale, float shift)
    {
        var (vScale, vShift) = (Vector256.Create(scale), Vector256.Create(shift));
        var x = 0;
        for (; x + 8 <= columns; x += 8)
        {
            var levels = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(s + x));
            Avx.Store(d + x, Avx.Add(Avx.Multiply(levels, vScale), vShift));
        }
        return x;
    }
}
