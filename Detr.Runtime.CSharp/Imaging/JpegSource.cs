namespace Detr.Runtime.Imaging;

/// <summary>
/// A JPEG read from its file with its header checked (so its size is known) and its pixels not decoded yet:
/// the renderer decodes it into the rendering thread's reusable plane buffers just before resampling it
/// (<see cref="ViewRenderer"/>). The planes are then still in the core's cache when they are read, and no
/// image-sized arrays are allocated per image: the loader's images/s rose by 6–11% with it (measured on 128 px
/// and 640 px images). Data that is corrupt past the header fails there, naming the file
/// (<see cref="ImageDecodeException"/>), which the loader handles as a bad image (<see cref="Data.DataLoader"/>).
/// The header read at load time is kept, so the decode does not parse it again.
/// </summary>
public sealed class JpegSource : DecodedImage
{
    private FileBytes data;
    private readonly JpegCodec.Header header;
    private readonly bool fastDct;

    internal JpegSource(FileBytes data, string path, bool fastDct)
    {
        header = JpegCodec.ReadHeader(data.Span, path);
        (Width, Height) = (header.Width, header.Height);
        this.data = data;
        this.fastDct = fastDct;
        Path = path;
    }

    public override int Width { get; }

    public override int Height { get; }

    public string Path { get; }

    /// <summary>
    /// Gives the file's bytes back to the pool they were rented from (<see cref="ImageFile.ReadForModel"/>
    /// with pooled); the source cannot be rendered after. Nothing for bytes that are not pooled.
    /// </summary>
    public void Release()
    {
        if (!data.Pooled) return;
        var bytes = data;
        data = default;
        bytes.Release();
    }

    /// <summary>
    /// The planes (<see cref="YCbCrImage"/>) in this thread's buffers, at <paramref name="eighths"/>/8 of the image's
    /// size: valid until the thread decodes the next source.
    /// </summary>
    internal DecodedImage DecodeForRendering(int eighths = 8) =>
        data.Array is null ? throw new ObjectDisposedException(Path, $"{Path}: the JPEG's bytes were released before it was rendered")
        : JpegCodec.DecodeYCbCr(data.Span, header, Path, fastDct, PlaneBuffers.OfThisThread, eighths);

    /// <summary>
    /// The smallest decode scale of 1/8, 2/8, 4/8 and 8/8 that still gives <paramref name="view"/> at least one decoded
    /// pixel per output pixel on both axes: a view that shrinks its region to half or less is decoded at half size
    /// (libjpeg-turbo's DCT-domain scaling, which skips most of the inverse DCT: 93 against 128 µs for a 128 px image
    /// to RGB, one thread) and resampled from there. Only powers of two: libjpeg-turbo's 5/8, 6/8 and 7/8 inverse DCTs
    /// are slower than its SIMD 8×8 one (136–176 µs for the same images).
    /// </summary>
    internal static int DecodeEighths(ImageView view)
    {
        var needed = Math.Max(view.Width / view.SourceWidth, view.Height / view.SourceHeight);   // output pixels per source pixel
        var eighths = 1;
        while (eighths < 8 && eighths < needed * 8 - 1e-9) eighths *= 2;
        return eighths;
    }
}

/// <summary>A thread's reusable arrays for decoded planes (Y, Cb, Cr), grown as needed.</summary>
internal sealed class PlaneBuffers
{
    [ThreadStatic] private static PlaneBuffers? ofThisThread;

    private readonly byte[][] planes = [[], [], []];

    public static PlaneBuffers OfThisThread => ofThisThread ??= new PlaneBuffers();

    public byte[] Get(int plane, int length) => planes[plane].Length >= length ? planes[plane] : planes[plane] = GC.AllocateUninitializedArray<byte>(length);
}
