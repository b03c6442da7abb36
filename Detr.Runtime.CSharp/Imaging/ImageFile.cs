using System.Buffers;

namespace Detr.Runtime.Imaging;

/// <summary>Reads an image file by its content (JPEG or PNG), naming the file in every error.</summary>
public static class ImageFile
{
    /// <summary>The image as interleaved RGB (for drawing on it).</summary>
    public static RgbImage Read(string path, bool fastDct = false)
    {
        var data = Bytes(path, pooled: false);
        return JpegCodec.IsJpeg(data.Span) ? JpegCodec.Decode(data.Span, path, fastDct) : PngCodec.Decode(data.Span, path);
    }

    /// <summary>
    /// The image as the renderer takes it fastest: a JPEG with its header checked, decoded when it is rendered
    /// into its own YCbCr planes and converted to RGB after resampling (<see cref="JpegSource"/>,
    /// <see cref="YCbCrImage"/>); a PNG decoded to RGB. What the loader and the predictor feed the model.
    /// <paramref name="pooled"/>: the JPEG's bytes are read into an array rented from the shared pool, which
    /// <see cref="JpegSource.Release"/> returns (the loader releases every source once its batch is rendered).
    /// </summary>
    public static DecodedImage ReadForModel(string path, bool fastDct = false, bool pooled = false) => ForModel(Bytes(path, pooled), path, fastDct);

    /// <summary>
    /// From one read of the file: the image as <see cref="ReadForModel"/> gives it, and as RGB to draw on
    /// (a PNG is the same image for both).
    /// </summary>
    public static (DecodedImage Model, RgbImage Drawing) ReadForModelAndDrawing(string path, bool fastDct = false)
    {
        var data = Bytes(path, pooled: false);
        var model = ForModel(data, path, fastDct);
        return (model, model as RgbImage ?? JpegCodec.Decode(data.Span, path, fastDct));
    }

    /// <summary>A JPEG's source over <paramref name="data"/>, or a PNG decoded (its pooled bytes then given back).</summary>
    private static DecodedImage ForModel(FileBytes data, string path, bool fastDct)
    {
        try
        {
            if (JpegCodec.IsJpeg(data.Span)) return new JpegSource(data, path, fastDct);
            var png = PngCodec.Decode(data.Span, path);
            data.Release();
            return png;
        }
        catch
        {
            data.Release();
            throw;
        }
    }

    /// <summary>The file's bytes, known to be a JPEG or a PNG.</summary>
    private static FileBytes Bytes(string path, bool pooled)
    {
        FileBytes data;
        try { data = pooled ? FileBytes.ReadPooled(path) : new FileBytes(File.ReadAllBytes(path)); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new ImageDecodeException($"{path}: missing image file"); }
        catch (IOException e) { throw new ImageDecodeException($"{path}: cannot read ({e.Message})"); }
        if (data.Length == 0 || !JpegCodec.IsJpeg(data.Span) && !PngCodec.IsPng(data.Span))
        {
            data.Release();
            throw new ImageDecodeException(data.Length == 0 ? $"{path}: empty file" : $"{path}: neither a JPEG nor a PNG file");
        }
        return data;
    }
}

/// <summary>
/// A file's bytes: a plain array of exactly its length, or the first <see cref="Length"/> bytes of an array
/// rented from <see cref="ArrayPool{T}.Shared"/> (no garbage per file read: the loader reads thousands per second).
/// </summary>
internal readonly record struct FileBytes(byte[] Array, int Length, bool Pooled)
{
    public FileBytes(byte[] array) : this(array, array.Length, false) { }

    public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

    /// <summary>Reads the whole file into a rented array.</summary>
    public static FileBytes ReadPooled(string path)
    {
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue) throw new IOException($"{length} bytes is too large for an image file");
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read);
            if (n == 0) break;                                    // the file shrank while it was read
            read += n;
        }
        return new FileBytes(buffer, read, true);
    }

    /// <summary>Returns a rented array to the pool (nothing for a plain one).</summary>
    public void Release()
    {
        if (Pooled) ArrayPool<byte>.Shared.Return(Array);
    }
}
