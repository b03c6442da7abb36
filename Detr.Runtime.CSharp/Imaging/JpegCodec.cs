namespace Detr.Runtime.Imaging;

/// <summary>How a JPEG stores colour: chroma at half resolution both ways (4:2:0), at full resolution (4:4:4), or not at all (grayscale).</summary>
public enum JpegChroma { Subsampled, Full, None }

/// <summary>
/// JPEG decoding and encoding through libjpeg-turbo's TurboJPEG API, straight into/out of managed pixel
/// arrays (pinned for the call). One decompressor/compressor per thread, created on first use.
/// Corrupt data is an error, warnings included ("Premature end of JPEG file" for a truncated file):
/// PIL, which the reference pipelines use, refuses truncated images too.
/// </summary>
public static unsafe class JpegCodec
{
    [ThreadStatic] private static IntPtr decompressor;
    [ThreadStatic] private static IntPtr compressor;

    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    /// <summary>What a JPEG's header says: size, chroma subsampling (TJSAMP_*) and colour space (TJCS_*).</summary>
    internal readonly record struct Header(int Width, int Height, int Subsampling, int Colourspace);

    /// <summary>Width and height without decoding the pixels.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> jpeg, string source)
    {
        var header = ReadHeader(jpeg, source);
        return (header.Width, header.Height);
    }

    /// <summary>The header, checked: a readable JPEG of positive size.</summary>
    internal static Header ReadHeader(ReadOnlySpan<byte> jpeg, string source)
    {
        var handle = Decompressor();
        int width, height, subsampling, colourspace;
        fixed (byte* p = jpeg)
            if (TurboJpeg.tjDecompressHeader3(handle, p, (nuint)jpeg.Length, out width, out height, out subsampling, out colourspace) != 0)
                throw Fail($"{source}: not a readable JPEG ({TurboJpeg.Error(handle)})");
        if (width <= 0 || height <= 0) throw Fail($"{source}: corrupt JPEG (header gives a {width}x{height} image)");
        return new Header(width, height, subsampling, colourspace);
    }

    /// <summary>
    /// Decodes to RGB. <paramref name="fastDct"/> uses the fast integer IDCT; <paramref name="scale"/> (1, 1/2,
    /// 1/4, 1/8 ...) decodes directly at a reduced size, much faster for large images.
    /// </summary>
    public static RgbImage Decode(ReadOnlySpan<byte> jpeg, string source, bool fastDct = false, (int Num, int Denom)? scale = null)
    {
        var (pixels, width, height) = DecodeRgb(jpeg, source, fastDct, scale, n => GC.AllocateUninitializedArray<byte>(n)); // every byte is decoded into
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Decodes to RGB into <paramref name="output"/>(length), an array of at least that length: rows of width · 3 bytes.</summary>
    internal static (byte[] Pixels, int Width, int Height) DecodeRgb(ReadOnlySpan<byte> jpeg, string source, bool fastDct, (int Num, int Denom)? scale, Func<int, byte[]> output)
    {
        var handle = Decompressor();
        fixed (byte* p = jpeg)
        {
            if (TurboJpeg.tjDecompressHeader3(handle, p, (nuint)jpeg.Length, out var width, out var height, out _, out _) != 0)
                throw Fail($"{source}: not a readable JPEG ({TurboJpeg.Error(handle)})");
            if (width <= 0 || height <= 0) throw Fail($"{source}: corrupt JPEG (header gives a {width}x{height} image)");
            if (scale is { } s)
            {
                if (!ScalingFactors().Contains(s)) throw new ArgumentException($"libjpeg-turbo cannot scale by {s.Num}/{s.Denom}");
                width = (width * s.Num + s.Denom - 1) / s.Denom;  // TJSCALED
                height = (height * s.Num + s.Denom - 1) / s.Denom;
            }
            var pixels = output(width * height * 3);
            fixed (byte* dst = pixels)
            {
                var flags = fastDct ? TurboJpeg.FlagFastDct : 0;
                if (TurboJpeg.tjDecompress2(handle, p, (nuint)jpeg.Length, dst, width, width * 3, height, TurboJpeg.PixelFormatRgb, flags) != 0)
                    throw Fail($"{source}: corrupt JPEG ({TurboJpeg.Error(handle)})");
            }
            return (pixels, width, height);
        }
    }

    /// <summary>
    /// Decodes to the file's own planes (<see cref="YCbCrImage"/>), which skips libjpeg-turbo's chroma
    /// upsampling and colour conversion; a file in another colour space (CMYK, YCCK, untransformed RGB) or
    /// with a subsampling libjpeg-turbo cannot give as planes is decoded to RGB instead. The planes are new
    /// arrays, or the given thread's reusable <paramref name="buffers"/> (valid until their next use).
    /// </summary>
    public static DecodedImage DecodeYCbCr(ReadOnlySpan<byte> jpeg, string source, bool fastDct = false) => DecodeYCbCr(jpeg, source, fastDct, null);

    internal static DecodedImage DecodeYCbCr(ReadOnlySpan<byte> jpeg, string source, bool fastDct, PlaneBuffers? buffers) =>
        DecodeYCbCr(jpeg, ReadHeader(jpeg, source), source, fastDct, buffers);

    /// <summary>
    /// With the <paramref name="header"/> read earlier from the same bytes (<see cref="JpegSource"/>): not parsed again here;
    /// at <paramref name="eighths"/>/8 of the image's size (libjpeg-turbo's DCT-domain scaling: each 8×8 block decoded
    /// to eighths × eighths pixels, the image to ⌈size · eighths / 8⌉).
    /// </summary>
    internal static DecodedImage DecodeYCbCr(ReadOnlySpan<byte> jpeg, Header header, string source, bool fastDct, PlaneBuffers? buffers, int eighths = 8)
    {
        if (eighths is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(eighths), $"decode scale {eighths}/8");
        var handle = Decompressor();
        var (fullWidth, fullHeight, subsampling, colourspace) = header;
        var (width, height) = (Scaled(fullWidth, eighths), Scaled(fullHeight, eighths));
        var gray = colourspace == TurboJpeg.ColourspaceGray || subsampling == TurboJpeg.SubsamplingGray;
        if (!(gray || colourspace == TurboJpeg.ColourspaceYCbCr) || subsampling < 0) return Decode(jpeg, source, fastDct, eighths == 8 ? null : (eighths, 8));
        var lumaStride = TurboJpeg.tjPlaneWidth(0, width, subsampling);
        var lumaRows = TurboJpeg.tjPlaneHeight(0, height, subsampling);
        var chromaStride = gray ? 0 : TurboJpeg.tjPlaneWidth(1, width, subsampling);
        var chromaRows = gray ? 0 : TurboJpeg.tjPlaneHeight(1, height, subsampling);
        if (lumaStride <= 0 || lumaRows <= 0 || !gray && (chromaStride <= 0 || chromaRows <= 0)) return Decode(jpeg, source, fastDct, eighths == 8 ? null : (eighths, 8));
        // Every byte of the planes is decoded into.
        byte[] Plane(int index, int length) => buffers?.Get(index, length) ?? GC.AllocateUninitializedArray<byte>(length);
        var luma = Plane(0, lumaStride * lumaRows);
        var cb = gray ? null : Plane(1, chromaStride * chromaRows);
        var cr = gray ? null : Plane(2, chromaStride * chromaRows);
        fixed (byte* p = jpeg)
        fixed (byte* y = &luma[0], u = cb, v = cr)
        {
            var planes = stackalloc byte*[] { y, u, v };
            var strides = stackalloc int[] { lumaStride, chromaStride, chromaStride };
            if (TurboJpeg.tjDecompressToYUVPlanes(handle, p, (nuint)jpeg.Length, planes, width, strides, height, fastDct ? TurboJpeg.FlagFastDct : 0) != 0)
                throw Fail($"{source}: corrupt JPEG ({TurboJpeg.Error(handle)})");
        }
        return gray
            ? new YCbCrImage(width, height, luma, lumaStride, null, null, 0, 1, 1)
            : new YCbCrImage(width, height, luma, lumaStride, cb, cr, chromaStride, lumaStride / chromaStride, lumaRows / chromaRows);
    }

    /// <summary>A side decoded at eighths/8 (libjpeg-turbo's TJSCALED: rounded up).</summary>
    internal static int Scaled(int size, int eighths) => (size * eighths + 7) / 8;

    /// <summary>Encodes RGB pixels, chroma subsampled 4:2:0 unless told otherwise.</summary>
    public static byte[] Encode(RgbImage image, int quality = 90, JpegChroma chroma = JpegChroma.Subsampled)
    {
        var handle = Compressor();
        IntPtr buffer = IntPtr.Zero;
        nuint size = 0;
        try
        {
            fixed (byte* src = image.Pixels)
                if (TurboJpeg.tjCompress2(handle, src, image.Width, image.Width * 3, image.Height, TurboJpeg.PixelFormatRgb, ref buffer, ref size,
                                          chroma switch { JpegChroma.Full => TurboJpeg.Subsampling444, JpegChroma.None => TurboJpeg.SubsamplingGray, _ => TurboJpeg.Subsampling420 }, quality, TurboJpeg.FlagAccurateDct) != 0)
                    throw new InvalidOperationException($"JPEG encoding failed: {TurboJpeg.Error(handle)}");
            return new ReadOnlySpan<byte>((void*)buffer, checked((int)size)).ToArray();
        }
        finally
        {
            if (buffer != IntPtr.Zero) TurboJpeg.tjFree(buffer);
        }
    }

    /// <summary>The scaling factors libjpeg-turbo supports for decoding.</summary>
    public static IReadOnlyList<(int Num, int Denom)> ScalingFactors()
    {
        var factors = TurboJpeg.tjGetScalingFactors(out var count);
        var result = new List<(int, int)>(count);
        for (var i = 0; i < count; i++) result.Add((factors[i].Num, factors[i].Denom));
        return result;
    }

    /// <summary>A failed call can leave libjpeg's state half-done: the thread gets a fresh decompressor next time.</summary>
    private static ImageDecodeException Fail(string message)
    {
        if (decompressor != IntPtr.Zero)
        {
            TurboJpeg.tjDestroy(decompressor);
            decompressor = IntPtr.Zero;
        }
        return new ImageDecodeException(message);
    }

    private static IntPtr Decompressor() =>
        decompressor != IntPtr.Zero ? decompressor
        : (decompressor = TurboJpeg.tjInitDecompress()) != IntPtr.Zero ? decompressor
        : throw new InvalidOperationException("libjpeg-turbo: cannot create a decompressor");

    private static IntPtr Compressor() =>
        compressor != IntPtr.Zero ? compressor
        : (compressor = TurboJpeg.tjInitCompress()) != IntPtr.Zero ? compressor
        : throw new InvalidOperationException("libjpeg-turbo: cannot create a compressor");
}
