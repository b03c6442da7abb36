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
