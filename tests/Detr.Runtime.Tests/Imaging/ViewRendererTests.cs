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

    [Fact]
    public void Vectorised_and_scalar_rendering_give_bit_identical_planes()
    {
        foreach (var view in Views(300, 5))
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
    public void Rendering_matches_the_separable_filter_evaluated_in_double_precision()
    {
        foreach (var view in Views(60, 11))
        {
            var src = view.Source;
            var hx = Resample.Coefficients(view.SourceX, view.SourceWidth, src.Width, view.Width, view.Flipped);
            var vy = Resample.Coefficients(view.SourceY, view.SourceHeight, src.Height, view.Height, false);
            var planes = new byte[3 * view.Width * view.Height];
            view.Render(planes, view.Width, view.Height);
            for (var y = 0; y < view.Height; y++)
                for (var x = 0; x < view.Width; x++)
                    for (var c = 0; c < 3; c++)
                    {
                        double sum = 0;
                        for (var j = 0; j < vy.Count[y]; j++)
                            for (var i = 0; i < hx.Count[x]; i++)
                                sum += vy.Weights[y * vy.MaxTaps + j] * hx.Weights[x * hx.MaxTaps + i] * src.Pixels[((vy.Start[y] + j) * src.Width + hx.Start[x] + i) * 3 + c];
                        var level = planes[c * view.Width * view.Height + y * view.Width + x];
                        // float accumulation may round an exact .5 the other way: at most one level apart
                        var exact = Math.Floor(Math.Clamp(sum, 0, 255) + 0.5);
                        Assert.InRange(level, exact - 1, exact + 1);
                    }
        }
    }
}
