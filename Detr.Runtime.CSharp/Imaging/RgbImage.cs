namespace Detr.Runtime.Imaging;

/// <summary>An 8-bit RGB image, row-major, pixels interleaved (HWC): Pixels[(y * Width + x) * 3 + c].</summary>
public sealed class RgbImage : DecodedImage
{
    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size {width}x{height} must be positive");
        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[width * height * 3];
        if (Pixels.Length != width * height * 3) throw new ArgumentException($"{Pixels.Length} bytes for a {width}x{height} RGB image");
    }

    public override int Width { get; }

    public override int Height { get; }

    public byte[] Pixels { get; }

    public Span<byte> Pixel(int x, int y) => Pixels.AsSpan((y * Width + x) * 3, 3);

    /// <summary>The region [x, x+w) × [y, y+h), copied.</summary>
    public RgbImage Crop(int x, int y, int w, int h)
    {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > Width || y + h > Height)
            throw new ArgumentException($"crop ({x}, {y}, {w}, {h}) outside a {Width}x{Height} image");
        var result = new RgbImage(w, h);
        for (var row = 0; row < h; row++)
            Pixels.AsSpan(((y + row) * Width + x) * 3, w * 3).CopyTo(result.Pixels.AsSpan(row * w * 3, w * 3));
        return result;
    }

    /// <summary>Paints the rectangle [x, x+w) × [y, y+h) in <paramref name="colour"/>, clipped to the image.</summary>
    public void Fill(int x, int y, int w, int h, ReadOnlySpan<byte> colour)
    {
        int x0 = Math.Max(x, 0), y0 = Math.Max(y, 0), x1 = Math.Min(x + w, Width), y1 = Math.Min(y + h, Height);
        for (var py = y0; py < y1; py++)
            for (var px = x0; px < x1; px++) colour.CopyTo(Pixel(px, py));
    }

    /// <summary>Mirror image (left ↔ right).</summary>
    public RgbImage FlipHorizontal()
    {
        var result = new RgbImage(Width, Height);
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
                Pixels.AsSpan((y * Width + x) * 3, 3).CopyTo(result.Pixels.AsSpan((y * Width + Width - 1 - x) * 3, 3));
        return result;
    }
}

/// <summary>An image that cannot be read: names the file and what is wrong with it.</summary>
public sealed class ImageDecodeException(string message) : Exception(message);
