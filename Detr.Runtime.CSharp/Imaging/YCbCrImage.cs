namespace Detr.Runtime.Imaging;

/// <summary>
/// A JPEG decoded to the planes it stores (JFIF's full-range YCbCr, ITU-R BT.601 weights): luma at full size,
/// the two chroma planes subsampled by the file's factors (2 × 2 for the usual 4:2:0), or luma alone for a
/// grayscale file. libjpeg-turbo skips its chroma upsampling and colour conversion for this
/// (<see cref="JpegCodec.DecodeYCbCr"/>); the renderer resamples each plane straight to the output size and
/// converts to RGB after (<see cref="ViewRenderer"/>), which the linearity of both makes the same image up to
/// rounding: libjpeg's "fancy" upsampling is the triangle filter that the bilinear resampling applies to a
/// chroma plane enlarged twice.
/// <para>
/// A plane is row-major with its own stride; libjpeg-turbo pads the luma plane to whole chroma samples
/// (an odd-width 4:2:0 image has an even-width luma plane), so only the first <see cref="Width"/> columns and
/// <see cref="Height"/> rows of luma, and the first <see cref="ChromaWidth"/> × <see cref="ChromaHeight"/>
/// of chroma, are the image.
/// </para>
/// </summary>
public sealed class YCbCrImage : DecodedImage
{
    public YCbCrImage(int width, int height, byte[] luma, int lumaStride, byte[]? cb, byte[]? cr, int chromaStride, int subsampleX, int subsampleY)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size {width}x{height} must be positive");
        if (lumaStride < width || luma.Length < (height - 1) * lumaStride + width) throw new ArgumentException($"{luma.Length} luma bytes for a {width}x{height} image");
        if ((cb is null) != (cr is null)) throw new ArgumentException("either both chroma planes or none");
        Width = width;
        Height = height;
        Luma = luma;
        LumaStride = lumaStride;
        Cb = cb;
        Cr = cr;
        SubsampleX = subsampleX;
        SubsampleY = subsampleY;
        ChromaStride = chromaStride;
        if (cb is not null && (chromaStride < ChromaWidth || cb.Length < (ChromaHeight - 1) * chromaStride + ChromaWidth || cr!.Length < cb.Length))
            throw new ArgumentException($"chroma planes too small for a {width}x{height} image subsampled {subsampleX}x{subsampleY}");
    }

    public override int Width { get; }

    public override int Height { get; }

    public byte[] Luma { get; }

    public int LumaStride { get; }

    /// <summary>Blue-difference chroma, 128 = none; null for a grayscale image.</summary>
    public byte[]? Cb { get; }

    /// <summary>Red-difference chroma, 128 = none; null for a grayscale image.</summary>
    public byte[]? Cr { get; }

    public int ChromaStride { get; }

    /// <summary>Luma columns per chroma column (1, 2 or 4).</summary>
    public int SubsampleX { get; }

    /// <summary>Luma rows per chroma row (1 or 2).</summary>
    public int SubsampleY { get; }

    public bool IsGray => Cb is null;

    /// <summary>Chroma columns that hold the image: a chroma sample covers <see cref="SubsampleX"/> luma columns, the last one possibly fewer.</summary>
    public int ChromaWidth => (Width + SubsampleX - 1) / SubsampleX;

    public int ChromaHeight => (Height + SubsampleY - 1) / SubsampleY;
}
