using Detr.Runtime.Imaging;

namespace Detr.Runtime.Tests.Imaging;

public class ViewRendererTests
{
    private static RgbImage Noise(int width, int height, Random rng)
    {
        var image = new RgbImage(width, height);
        rng.NextBytes(image.Pixels);
        return image;
    }

    /// <summary>Random flips, crops and resizes (up and down, odd sizes) of random images.</summary>
    private static IEnumerable<ImageView> Views(int count, int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var view = ImageView.Of(Noise(rng.Next(1, 90), rng.Next(1, 90), rng));
            if (rng.Next(2) == 0) view = view.FlipHorizontal();
            view = view.Resize(rng.Next(1, 130), rng.Next(1, 130));
            var (w, h) = (rng.Next(1, view.Width + 1), rng.Next(1, view.Height + 1));
            view = view.Crop(rng.Next(0, view.Width - w + 1), rng.Next(0, view.Height - h + 1), w, h);
            yield return view.Resize(rng.Next(1, 100), rng.Next(1, 100));
        }
    }

    /// <summary>Each view rendered into planes wider and taller than itself, with AVX2 and without: the same bytes, padding included.</summary>
    private static void AssertVectorisedMatchesScalar(IEnumerable<ImageView> views)
    {
        foreach (var view in views)
        {
            var (pw, ph) = (view.Width + 3, view.Height + 1);
            var simd = new byte[3 * pw * ph];
            var scalar = new byte[3 * pw * ph];
            ViewRenderer.Render(view, simd, pw, ph, vectorised: true);
            ViewRenderer.Render(view, scalar, pw, ph, vectorised: false);
            Assert.Equal(scalar, simd);
        }
    }

    [Fact]
    public void Vectorised_and_scalar_rendering_give_bit_identical_planes() => AssertVectorisedMatchesScalar(Views(300, 5));

    /// <summary>
    /// A crop's taps go into arrays the thread reuses for the next crop (longer than needed, stale past each
    /// output's taps): rendering views in reverse order after rendering them all must give the same bytes.
    /// </summary>
    [Fact]
    public void A_crop_renders_the_same_after_other_crops_have_reused_the_threads_tap_arrays()
    {
        static byte[] Rendered(ImageView view)
        {
            var planes = new byte[3 * (view.Width + 2) * view.Height];
            ViewRenderer.Render(view, planes, view.Width + 2, view.Height);
            return planes;
        }
        var views = PlanarViews(40, 13).Concat(Views(40, 17)).ToList();
        var inOrder = views.Select(Rendered).ToList();
        for (var i = views.Count - 1; i >= 0; i--) Assert.Equal(inOrder[i], Rendered(views[i]));
    }

    [Fact]
    public void Rendering_matches_the_separable_filter_evaluated_in_double_precision()
    {
        foreach (var view in Views(60, 11))
        {
            var src = (RgbImage)view.Source;
            var planes = new byte[3 * view.Width * view.Height];
            view.Render(planes, view.Width, view.Height);
            for (var y = 0; y < view.Height; y++)
            {
                var (top, vy) = TriangleTaps(view.SourceY, view.SourceHeight, src.Height, view.Height, false, y);
                for (var x = 0; x < view.Width; x++)
                {
                    var (left, hx) = TriangleTaps(view.SourceX, view.SourceWidth, src.Width, view.Width, view.Flipped, x);
                    for (var c = 0; c < 3; c++)
                    {
                        double sum = 0;
                        for (var j = 0; j < vy.Length; j++)
                            for (var i = 0; i < hx.Length; i++)
                                sum += vy[j] * hx[i] * src.Pixels[((top + j) * src.Width + left + i) * 3 + c];
                        var level = planes[c * view.Width * view.Height + y * view.Width + x];
                        // fixed-point accumulation may round an exact .5 the other way: at most one level apart
                        var exact = Math.Floor(Math.Clamp(sum, 0, 255) + 0.5);
                        Assert.InRange(level, exact - 1, exact + 1);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Output <paramref name="o"/>'s first source pixel and weights by the definition of PIL's antialiased
    /// bilinear filter, in double precision: a triangle of half-width max(scale, 1) around the output's centre,
    /// over the pixels of the interval, normalised (the nearest pixel alone when none is under the triangle).
    /// </summary>
    private static (int First, double[] Weights) TriangleTaps(double start, double length, int sourceSize, int outSize, bool flip, int o)
    {
        var scale = length / outSize;
        var support = Math.Max(scale, 1.0);
        var centre = flip ? start + length - (o + 0.5) * scale : start + (o + 0.5) * scale;
        var lo = Math.Max(0, (int)Math.Floor(start + 1e-9));
        var hi = Math.Min(sourceSize, (int)Math.Ceiling(start + length - 1e-9));
        var first = Math.Max((int)Math.Floor(centre - support + 0.5), lo);
        var last = Math.Min((int)Math.Floor(centre + support + 0.5), hi);
        var weights = Enumerable.Range(first, Math.Max(0, last - first)).Select(i => Math.Max(0, 1 - Math.Abs(i + 0.5 - centre) / support)).ToArray();
        var sum = weights.Sum();
        return sum > 0 ? (first, [.. weights.Select(w => w / sum)]) : (Math.Clamp((int)Math.Floor(centre), lo, Math.Max(lo, hi - 1)), [1.0]);
    }

    /// <summary>Random Y, Cb, Cr planes (strides wider than the image, as libjpeg-turbo pads them) in every subsampling a JPEG can have, or luma alone.</summary>
    private static YCbCrImage NoisePlanes(int width, int height, Random rng)
    {
        var (sx, sy) = new[] { (1, 1), (2, 1), (2, 2), (4, 1), (1, 2), (0, 0) }[rng.Next(6)];
        byte[] Plane(int stride, int rows)
        {
            var plane = new byte[stride * rows];
            rng.NextBytes(plane);
            return plane;
        }
        var lumaStride = width + rng.Next(4);
        if (sx == 0) return new YCbCrImage(width, height, Plane(lumaStride, height), lumaStride, null, null, 0, 1, 1);
        var (cw, ch) = ((width + sx - 1) / sx, (height + sy - 1) / sy);
        var chromaStride = cw + rng.Next(3);
        return new YCbCrImage(width, height, Plane(lumaStride, height), lumaStride, Plane(chromaStride, ch), Plane(chromaStride, ch), chromaStride, sx, sy);
    }

    private static IEnumerable<ImageView> PlanarViews(int count, int seed)
    {
        var rng = new Random(seed);
        foreach (var view in Views(count, seed))
            yield return view with { Source = NoisePlanes(view.Source.Width, view.Source.Height, rng) };
    }

    [Fact]
    public void Vectorised_and_scalar_rendering_of_YCbCr_planes_give_bit_identical_planes() => AssertVectorisedMatchesScalar(PlanarViews(300, 7));

    /// <summary>One plane's value at output (x, y) by the separable filter in double precision, the plane's samples each covering sx × sy pixels.</summary>
    private static double Filtered(ImageView view, byte[] plane, int stride, int width, int height, int sx, int sy, int x, int y)
    {
        var (left, hx) = TriangleTaps(view.SourceX / sx, view.SourceWidth / sx, width, view.Width, view.Flipped, x);
        var (top, vy) = TriangleTaps(view.SourceY / sy, view.SourceHeight / sy, height, view.Height, false, y);
        double sum = 0;
        for (var j = 0; j < vy.Length; j++)
            for (var i = 0; i < hx.Length; i++)
                sum += vy[j] * hx[i] * plane[(top + j) * stride + left + i];
        return sum;
    }

    [Fact]
    public void YCbCr_rendering_matches_resampling_then_JFIF_colour_conversion_in_double_precision()
    {
        foreach (var view in PlanarViews(40, 13))
        {
            var src = (YCbCrImage)view.Source;
            var planes = new byte[3 * view.Width * view.Height];
            view.Render(planes, view.Width, view.Height);
            for (var y = 0; y < view.Height; y++)
                for (var x = 0; x < view.Width; x++)
                {
                    var luma = Filtered(view, src.Luma, src.LumaStride, src.Width, src.Height, 1, 1, x, y);
                    var (cb, cr) = src.IsGray ? (128.0, 128.0)
                        : (Filtered(view, src.Cb!, src.ChromaStride, src.ChromaWidth, src.ChromaHeight, src.SubsampleX, src.SubsampleY, x, y),
                           Filtered(view, src.Cr!, src.ChromaStride, src.ChromaWidth, src.ChromaHeight, src.SubsampleX, src.SubsampleY, x, y));
                    double[] rgb = [luma + 1.402 * (cr - 128), luma - 0.34414 * (cb - 128) - 0.71414 * (cr - 128), luma + 1.772 * (cb - 128)];
                    for (var c = 0; c < 3; c++)
                    {
                        var exact = Math.Floor(Math.Clamp(rgb[c], 0, 255) + 0.5);
                        Assert.InRange(planes[c * view.Width * view.Height + y * view.Width + x], exact - 1, exact + 1);
                    }
                }
        }
    }
}
