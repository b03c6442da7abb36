namespace Detr.Runtime.Imaging;

/// <summary>Reads an image file by its content (JPEG or PNG), naming the file in every error.</summary>
public static class ImageFile
{
    /// <summary>The image as interleaved RGB (for drawing on it).</summary>
    public static RgbImage Read(string path, bool fastDct = false)
    {
        var data = Bytes(path);
        return JpegCodec.IsJpeg(data) ? JpegCodec.Decode(data, path, fastDct) : PngCodec.Decode(data, path);
    }

    /// <summary>
    /// The image as the renderer takes it fastest: a JPEG with its header checked, decoded when it is rendered
    /// into its own YCbCr planes and converted to RGB after resampling (<see cref="JpegSource"/>,
    /// <see cref="YCbCrImage"/>); a PNG decoded to RGB. What the loader and the predictor feed the model.
    /// </summary>
    public static DecodedImage ReadForModel(string path, bool fastDct = false)
    {
        var data = Bytes(path);
        return JpegCodec.IsJpeg(data) ? new JpegSource(data, path, fastDct) : PngCodec.Decode(data, path);
    }

    /// <summary>The file's bytes, known to be a JPEG or a PNG.</summary>
    private static byte[] Bytes(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new ImageDecodeException($"{path}: missing image file"); }
        catch (IOException e) { throw new ImageDecodeException($"{path}: cannot read ({e.Message})"); }
        if (data.Length == 0) throw new ImageDecodeException($"{path}: empty file");
        if (!JpegCodec.IsJpeg(data) && !PngCodec.IsPng(data)) throw new ImageDecodeException($"{path}: neither a JPEG nor a PNG file");
        return data;
    }
}
