using Detr.Runtime.Imaging;

namespace Detr.Runtime.Tests.Imaging;

/// <summary>Image files read into pooled arrays (the loader's reads) and JPEGs decoded when they are rendered.</summary>
public class JpegSourceTests
{
    private static string TempFile(string name, byte[] bytes)
    {
        var path = Path.Combine(TestScratch.Folder("jpegsource"), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] NoiseJpeg(int width, int height)
    {
        var rng = new Random(5);
        var image = new RgbImage(width, height);
        rng.NextBytes(image.Pixels);
        return JpegCodec.Encode(image, quality: 85);
    }

    private static byte[] Rendered(DecodedImage image)
    {
        var view = ImageView.Of(image).Crop(3, 2, 40, 30).Resize(57, 41).FlipHorizontal();
        var planes = new byte[3 * 57 * 41];
        view.Render(planes, 57, 41);
        return planes;
    }

    [Fact]
    public void Pooled_file_bytes_are_exactly_the_file()
    {
        var bytes = new byte[5003];
        new Random(1).NextBytes(bytes);
        var read = FileBytes.ReadPooled(TempFile("noise.bin", bytes));
        Assert.True(read.Pooled);
        Assert.Equal(bytes, read.Span.ToArray());
        read.Release();
    }

    [Fact]
    public void A_pooled_JPEG_renders_as_an_unpooled_one_until_released_and_then_refuses_naming_its_file()
    {
        var path = TempFile("scene.jpg", NoiseJpeg(64, 48));
        var plain = Assert.IsType<JpegSource>(ImageFile.ReadForModel(path));
        var pooled = Assert.IsType<JpegSource>(ImageFile.ReadForModel(path, pooled: true));
        Assert.Equal((64, 48), (pooled.Width, pooled.Height));
        Assert.Equal(Rendered(plain), Rendered(pooled));

        pooled.Release();
        var e = Assert.Throws<ObjectDisposedException>(() => Rendered(pooled));
        Assert.Contains(path, e.Message);

        plain.Release();                                    // not pooled: nothing to give back, still renders
        Assert.Equal(Rendered(ImageFile.ReadForModel(path)), Rendered(plain));
    }

    [Theory]
    [InlineData(128, 96, 128, 96, 8)]      // identity
    [InlineData(128, 96, 256, 192, 8)]     // enlarged
    [InlineData(128, 96, 64, 48, 4)]       // halved
    [InlineData(128, 96, 80, 60, 8)]       // 5/8: libjpeg-turbo's 5/8 decode is slower than its full one
    [InlineData(128, 96, 65, 49, 8)]       // just over half
    [InlineData(128, 96, 32, 48, 4)]       // the axis shrunk least decides
    [InlineData(128, 96, 20, 15, 2)]       // under a quarter
    [InlineData(128, 96, 8, 6, 1)]         // a sixteenth: 1/8 is the smallest scale
    public void A_view_decodes_at_the_smallest_scale_that_still_gives_a_pixel_per_output_pixel(int width, int height, int outWidth, int outHeight, int eighths)
    {
        var view = ImageView.Of(new RgbImage(width, height)).Resize(outWidth, outHeight);
        Assert.Equal(eighths, JpegSource.DecodeEighths(view));
        // A crop of half the width resized to a quarter of the image's width shrinks the region by half.
        var cropped = ImageView.Of(new RgbImage(width, height)).Crop(10, 0, width / 2, height).Resize(width / 4, height / 2);
        Assert.Equal(4, JpegSource.DecodeEighths(cropped));
    }

    /// <summary>A smooth scene (gradients, a disc, a bar) whose downscales do not depend on the filter.</summary>
    private static byte[] SceneJpeg(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var disc = (x - 50) * (x - 50) + (y - 40) * (y - 40) < 400;
                var bar = x > 90 && x < 110;
                var i = 3 * (y * width + x);
                image.Pixels[i] = (byte)(disc ? 220 : 2 * x % 256);
                image.Pixels[i + 1] = (byte)(bar ? 30 : 2 * y % 256);
                image.Pixels[i + 2] = (byte)(disc || bar ? 60 : 128);
            }
        return JpegCodec.Encode(image, quality: 92);
    }

    [Fact]
    public void A_shrinking_view_renders_from_a_scaled_decode_within_a_few_levels_of_the_full_decode()
    {
        var path = TempFile("smooth.jpg", SceneJpeg(128, 96));
        var source = Assert.IsType<JpegSource>(ImageFile.ReadForModel(path));
        var full = JpegCodec.DecodeYCbCr(File.ReadAllBytes(path), path);
        foreach (var (w, h) in new[] { (60, 45), (40, 30), (25, 19) })
        {
            var view = ImageView.Of(source).Crop(4, 2, 120, 90).Resize(w, h).FlipHorizontal();
            Assert.True(JpegSource.DecodeEighths(view) < 8);
            var scaled = new byte[3 * w * h];
            var reference = new byte[3 * w * h];
            view.Render(scaled, w, h);
            (view with { Source = full }).Render(reference, w, h);
            var diffs = scaled.Zip(reference, (a, b) => Math.Abs(a - b)).ToArray();
            // The DCT-domain downscale is sharper at edges than the renderer's antialiased bilinear filter: a
            // 120x90 region halved differs by 2.9 levels on average, 1.7% of the bytes by more than 24.
            Assert.True(diffs.Average() < 4, $"{w}x{h}: mean difference {diffs.Average():F2} levels");
            Assert.True(diffs.Count(d => d > 24) < diffs.Length / 20, $"{w}x{h}: {diffs.Count(d => d > 24)} of {diffs.Length} bytes differ by more than 24 levels");
        }
    }

    [Fact]
    public void A_PNG_read_pooled_is_decoded_at_once()
    {
        var image = new RgbImage(9, 7);
        new Random(2).NextBytes(image.Pixels);
        var path = TempFile("small.png", PngCodec.Encode(image));
        var decoded = Assert.IsType<RgbImage>(ImageFile.ReadForModel(path, pooled: true));
        Assert.Equal(image.Pixels, decoded.Pixels);
    }

    [Fact]
    public void One_read_gives_the_model_its_source_and_the_drawing_its_rgb_pixels()
    {
        var jpeg = NoiseJpeg(64, 48);
        var path = TempFile("photo.jpg", jpeg);
        var (model, drawing) = ImageFile.ReadForModelAndDrawing(path);
        Assert.IsType<JpegSource>(model);
        Assert.Equal(JpegCodec.Decode(jpeg, path).Pixels, drawing.Pixels);
        Assert.Equal(Rendered(ImageFile.ReadForModel(path)), Rendered(model));

        var png = new RgbImage(9, 7);
        new Random(3).NextBytes(png.Pixels);
        var (pngModel, pngDrawing) = ImageFile.ReadForModelAndDrawing(TempFile("small.png", PngCodec.Encode(png)));
        Assert.Same(pngModel, pngDrawing);
        Assert.Equal(png.Pixels, pngDrawing.Pixels);
    }

    [Fact]
    public void A_missing_or_foreign_file_read_pooled_fails_naming_it()
    {
        var missing = TestScratch.Path("no-such-image.jpg");
        Assert.Contains("missing image file", Assert.Throws<ImageDecodeException>(() => ImageFile.ReadForModel(missing, pooled: true)).Message);
        var text = TempFile("notes.jpg", "not an image"u8.ToArray());
        var e = Assert.Throws<ImageDecodeException>(() => ImageFile.ReadForModel(text, pooled: true));
        Assert.Contains(text, e.Message);
        Assert.Contains("neither a JPEG nor a PNG", e.Message);
    }
}
