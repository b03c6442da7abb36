namespace Detr.Runtime.Imaging;

/// <summary>
/// A decoded image seen through the geometric augmentations applied so far — a region of the source
/// (fractional pixels), an output size and a horizontal flip — without resampling at every step. The
/// pixels are produced once, by one separable resampling pass from the source, straight into the batch's
/// 8-bit planes (<see cref="Render"/>, <see cref="ViewRenderer"/>). One pass instead of DETR's two resizes around a
/// crop changes pixel values slightly, never the geometry: boxes follow the same exact arithmetic.
/// </summary>
public sealed record ImageView(DecodedImage Source, double SourceX, double SourceY, double SourceWidth, double SourceHeight, int Width, int Height, bool Flipped)
{
    public static ImageView Of(DecodedImage image) => new(image, 0, 0, image.Width, image.Height, image.Width, image.Height, false);

    public ImageView FlipHorizontal() => this with { Flipped = !Flipped };

    public ImageView Resize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"resize to {width}x{height}");
        return this with { Width = width, Height = height };
    }

    /// <summary>The output region [left, left+width) × [top, top+height) as the new view.</summary>
    public ImageView Crop(int left, int top, int width, int height)
    {
        if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > Width || top + height > Height)
            throw new ArgumentException($"crop ({left}, {top}, {width}, {height}) outside a {Width}x{Height} image");
        var sx = SourceWidth / Width;
        var sy = SourceHeight / Height;
        // Columns run right to left over the source when flipped.
        var x = Flipped ? SourceX + SourceWidth - (left + width) * sx : SourceX + left * sx;
        return new ImageView(Source, x, SourceY + top * sy, width * sx, height * sy, width, height, Flipped);
    }

    /// <summary>
    /// Writes the view, as RGB, into three 8-bit planes (R, G, B) of <paramref name="planeWidth"/> ×
    /// <paramref name="planeHeight"/> bytes, the view at the top left; the rest of the planes is not touched.
    /// </summary>
    public void Render(Span<byte> planes, int planeWidth, int planeHeight) => ViewRenderer.Render(this, planes, planeWidth, planeHeight);

    /// <summary>The view as an interleaved 8-bit image (for drawing and tests).</summary>
    public RgbImage Materialize()
    {
        var size = Width * Height;
        var planes = new byte[3 * size];
        Render(planes, Width, Height);
        var image = new RgbImage(Width, Height);
        for (var i = 0; i < size; i++)
            for (var c = 0; c < 3; c++) image.Pixels[3 * i + c] = planes[c * size + i];
        return image;
    }
}
