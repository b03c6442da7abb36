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

    /// <summary>The planes (<see cref="YCbCrImage"/>) in this thread's buffers: valid until the thread decodes the next source.</summary>
    internal DecodedImage DecodeForRendering() =>
        data.Array is null ? throw new ObjectDisposedException(Path, $"{Path}: the JPEG's bytes were released before it was rendered")
        : JpegCodec.DecodeYCbCr(data.Span, header, Path, fastDct, PlaneBuffers.OfThisThread);
}

/// <summary>A thread's reusable arrays for decoded planes (Y, Cb, Cr), grown as needed.</summary>
internal sealed class PlaneBuffers
{
    [ThreadStatic] private static PlaneBuffers? ofThisThread;

    private readonly byte[][] planes = [[], [], []];

    public static PlaneBuffers OfThisThread => ofThisThread ??= new PlaneBuffers();

    public byte[] Get(int plane, int length) => planes[plane].Length >= length ? planes[plane] : planes[plane] = GC.AllocateUninitializedArray<byte>(length);
}
