namespace Detr.Runtime.Imaging;

/// <summary>
/// A decoded image seen through the geometric augmentations applied so far — a region of the source
/// (fractional pixels), an output size and a horizontal flip — without resampling at every step. The
/// pixels are produced once, by one separable resampling pass from the source, straight into the batch's
/// normalised float planes (<see cref="RenderNormalised"/>). One pass instead of DETR's two resizes around a
/// crop changes pixel values slightly, never the geometry: boxes follow the same exact arithmetic.
/// </summary>
public sealed record ImageView(RgbImage Source, double SourceX, double SourceY, double SourceWidth, double SourceHeight, int Width, int Height, bool Flipped)
{
    public static ImageView Of(RgbImage image) => new(image, 0, 0, image.Width, image.Height, image.Width, image.Height, false);

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
    /// Writes the view, normalised per channel as (v/255 − mean)/std, into three planes of
    /// <paramref name="planeWidth"/> × <paramref name="planeHeight"/> floats (the view at the top left).
    /// </summary>
    public unsafe void RenderNormalised(Span<float> planes, int planeWidth, int planeHeight, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (planes.Length < 3 * planeWidth * planeHeight || Width > planeWidth || Height > planeHeight)
            throw new ArgumentException($"a {Width}x{Height} view does not fit {planeWidth}x{planeHeight} planes");
        var hx = Resample.Coefficients(SourceX, SourceWidth, Source.Width, Width, Flipped);
        var vy = Resample.Coefficients(SourceY, SourceHeight, Source.Height, Height, false);
        var firstRow = vy.Start[0];
        var lastRow = firstRow;
        for (var y = 0; y < Height; y++)
        {
            firstRow = Math.Min(firstRow, vy.Start[y]);
            lastRow = Math.Max(lastRow, vy.Start[y] + vy.Count[y]);
        }
        // Horizontal pass over the source rows the vertical taps need, into planar floats [3][rows][Width].
        var rows = lastRow - firstRow;
        var plane = rows * Width;
        var temp = System.Buffers.ArrayPool<float>.Shared.Rent(3 * plane);
        try
        {
            fixed (byte* pixels = Source.Pixels)
            fixed (float* t = temp)
            fixed (int* hStart = hx.Start, hCount = hx.Count)
            fixed (float* hWeights = hx.Weights)
            {
                for (var r = 0; r < rows; r++)
                {
                    var inRow = pixels + (firstRow + r) * Source.Width * 3;
                    var outRow = t + r * Width;
                    for (var x = 0; x < Width; x++)
                    {
                        float red = 0, green = 0, blue = 0;
                        var p = inRow + hStart[x] * 3;
                        var w = hWeights + x * hx.MaxTaps;
                        for (var k = 0; k < hCount[x]; k++, p += 3)
                        {
                            red += w[k] * p[0];
                            green += w[k] * p[1];
                            blue += w[k] * p[2];
                        }
                        outRow[x] = red;
                        outRow[plane + x] = green;
                        outRow[2 * plane + x] = blue;
                    }
                }
            }
            // Vertical pass (vectorised along rows), rounded half up to 8 bits as the reference's 8-bit image
            // is, then normalised: (v/255 − mean)/std.
            var planeSize = planeWidth * planeHeight;
            var lanes = System.Numerics.Vector<float>.Count;
            for (var c = 0; c < 3; c++)
            {
                var scale = 1f / (255f * std[c]);
                var shift = -mean[c] / std[c];
                var vScale = new System.Numerics.Vector<float>(scale);
                var vShift = new System.Numerics.Vector<float>(shift);
                var half = new System.Numerics.Vector<float>(0.5f);
                var zero = System.Numerics.Vector<float>.Zero;
                var top = new System.Numerics.Vector<float>(255f);
                var src = temp.AsSpan(c * plane, plane);
                var dstPlane = planes.Slice(c * planeSize, planeSize);
                for (var y = 0; y < Height; y++)
                {
                    var s = vy.Start[y] - firstRow;
                    var n = vy.Count[y];
                    var wOffset = y * vy.MaxTaps;
                    var dst = dstPlane.Slice(y * planeWidth, Width);
                    var x = 0;
                    for (; x + lanes <= Width; x += lanes)
                    {
                        var sum = zero;
                        for (var k = 0; k < n; k++)
                            sum += vy.Weights[wOffset + k] * new System.Numerics.Vector<float>(src.Slice((s + k) * Width + x, lanes));
                        var rounded = System.Numerics.Vector.Floor(System.Numerics.Vector.Min(System.Numerics.Vector.Max(sum, zero), top) + half);
                        (rounded * vScale + vShift).CopyTo(dst.Slice(x, lanes));
                    }
                    for (; x < Width; x++)
                    {
                        float sum = 0;
                        for (var k = 0; k < n; k++) sum += vy.Weights[wOffset + k] * src[(s + k) * Width + x];
                        dst[x] = MathF.Floor(Math.Clamp(sum, 0, 255) + 0.5f) * scale + shift;
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(temp);
        }
    }

    /// <summary>The view as an 8-bit image (for drawing and tests).</summary>
    public RgbImage Materialize()
    {
        var planes = new float[3 * Width * Height];
        RenderNormalised(planes, Width, Height, [0, 0, 0], [1 / 255f, 1 / 255f, 1 / 255f]);
        var image = new RgbImage(Width, Height);
        for (var i = 0; i < Width * Height; i++)
            for (var c = 0; c < 3; c++)
                image.Pixels[3 * i + c] = (byte)Math.Clamp((int)MathF.Round(planes[c * Width * Height + i]), 0, 255);
        return image;
    }
}
