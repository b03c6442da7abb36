using System.IO.Compression;
using Detr.Runtime.Imaging;

namespace Detr.Runtime.Tests.Imaging;

public class CodecTests
{
    /// <summary>Four 8x8 quadrants of known colours.</summary>
    private static RgbImage Quadrants()
    {
        var image = new RgbImage(16, 16);
        byte[][] colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 200, 40]];
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 16; x++)
                colours[(y / 8) * 2 + x / 8].CopyTo(image.Pixel(x, y));
        return image;
    }

    [Fact]
    public void Jpeg_round_trip_keeps_known_pixels()
    {
        var jpeg = JpegCodec.Encode(Quadrants(), quality: 100, chroma: JpegChroma.Full);
        Assert.True(JpegCodec.IsJpeg(jpeg));
        Assert.Equal((16, 16), JpegCodec.ReadSize(jpeg, "test.jpg"));
        var decoded = JpegCodec.Decode(jpeg, "test.jpg");
        // Centres of the quadrants, away from block edges: lossy but within a few levels.
        foreach (var (x, y, rgb) in new[] { (3, 3, new[] { 255, 0, 0 }), (12, 3, new[] { 0, 255, 0 }), (3, 12, new[] { 0, 0, 255 }), (12, 12, new[] { 200, 200, 40 }) })
            for (var c = 0; c < 3; c++) Assert.InRange(decoded.Pixel(x, y)[c], rgb[c] - 4, rgb[c] + 4);
        var fast = JpegCodec.Decode(jpeg, "test.jpg", fastDct: true);
        Assert.InRange(fast.Pixel(3, 3)[0], 245, 255);
        var half = JpegCodec.Decode(jpeg, "test.jpg", scale: (1, 2));
        Assert.Equal((8, 8), (half.Width, half.Height));
        Assert.InRange(half.Pixel(1, 1)[0], 240, 255);
    }

    /// <summary>A smooth gradient with noise and sharp-edged blocks of colour: what chroma upsampling can get wrong.</summary>
    private static RgbImage Scene(int width, int height)
    {
        var rng = new Random(3);
        var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var p = image.Pixel(x, y);
                p[0] = (byte)(x * 255 / width);
                p[1] = (byte)(y * 255 / height);
                p[2] = (byte)rng.Next(256);
            }
        image.Fill(width / 5, height / 4, width / 3, height / 3, [250, 20, 30]);
        image.Fill(width / 2, height / 2, width / 4, height / 5, [10, 240, 200]);
        return image;
    }

    [Theory]
    [InlineData(JpegChroma.Subsampled, 61, 47)]
    [InlineData(JpegChroma.Full, 40, 33)]
    [InlineData(JpegChroma.None, 37, 52)]
    public void Jpeg_decoded_to_planes_renders_as_libjpeg_decodes_to_rgb(JpegChroma chroma, int width, int height)
    {
        var jpeg = JpegCodec.Encode(Scene(width, height), quality: 92, chroma);
        var rgb = JpegCodec.Decode(jpeg, "scene.jpg");
        var planes = Assert.IsType<YCbCrImage>(JpegCodec.DecodeYCbCr(jpeg, "scene.jpg"));
        Assert.Equal((width, height, chroma == JpegChroma.None), (planes.Width, planes.Height, planes.IsGray));
        if (chroma == JpegChroma.Subsampled) Assert.Equal((2, 2), (planes.SubsampleX, planes.SubsampleY));
        var rendered = ImageView.Of(planes).Materialize();
        var differences = rgb.Pixels.Zip(rendered.Pixels, (a, b) => Math.Abs(a - b)).ToArray();
        // libjpeg rounds its upsampled chroma to 8 bits before converting; the planes' render rounds once.
        Assert.True(differences.Max() <= 2, $"largest difference {differences.Max()}");
        Assert.True(differences.Average() < 0.5, $"mean difference {differences.Average():0.000}");
    }

    [Fact]
    public void Truncated_jpeg_decoded_to_planes_is_an_error_naming_the_file()
    {
        var jpeg = JpegCodec.Encode(Quadrants(), quality: 90);
        var e = Assert.Throws<ImageDecodeException>(() => JpegCodec.DecodeYCbCr(jpeg.AsSpan(0, jpeg.Length / 2), "broken.jpg"));
        Assert.StartsWith("broken.jpg:", e.Message);
        Assert.IsType<YCbCrImage>(JpegCodec.DecodeYCbCr(jpeg, "good.jpg"));
    }

    [Fact]
    public void Truncated_or_garbage_jpeg_is_an_error_naming_the_file()
    {
        var jpeg = JpegCodec.Encode(Quadrants(), quality: 90);
        var e = Assert.Throws<ImageDecodeException>(() => JpegCodec.Decode(jpeg.AsSpan(0, jpeg.Length / 2), "broken.jpg"));
        Assert.StartsWith("broken.jpg:", e.Message);
        Assert.Throws<ImageDecodeException>(() => JpegCodec.Decode([0xFF, 0xD8, 0xFF, 1, 2, 3], "garbage.jpg"));
        // The thread's decoder recovers: the next good image decodes.
        Assert.Equal(16, JpegCodec.Decode(jpeg, "good.jpg").Width);
    }

    [Fact]
    public void Png_round_trip_is_exact()
    {
        var image = Quadrants();
        image.Pixel(5, 9)[1] = 77;
        var png = PngCodec.Encode(image);
        Assert.True(PngCodec.IsPng(png));
        Assert.Equal(image.Pixels, PngCodec.Decode(png, "test.png").Pixels);
    }

    /// <summary>A 3x2 PNG written by hand with every filter type and a gray+alpha and palette variant.</summary>
    private static byte[] HandPng(byte colorType, int channels, byte[][] rows, byte[]? palette = null)
    {
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        void Chunk(string type, byte[] data)
        {
            var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            png.Write(BitConverter.GetBytes((uint)data.Length).Reverse().ToArray());
            png.Write(typed);
            var crc = 0xFFFFFFFFu;
            foreach (var b in typed) { crc ^= b; for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1; }
            png.Write(BitConverter.GetBytes(crc ^ 0xFFFFFFFFu).Reverse().ToArray());
        }
        Chunk("IHDR", [0, 0, 0, 3, 0, 0, 0, (byte)rows.Length, 8, colorType, 0, 0, 0]);
        if (palette != null) Chunk("PLTE", palette);
        using var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true))
            foreach (var row in rows) zs.Write(row);
        Chunk("IDAT", z.ToArray());
        Chunk("IEND", []);
        return png.ToArray();
    }

    [Fact]
    public void Png_filters_gray_alpha_and_palette_decode_to_known_pixels()
    {
        // RGB rows: filter 0 (None) raw; filter 2 (Up) adds the row above; filter 1 (Sub) adds the pixel to the left.
        var rgb = HandPng(2, 3, [
            [0, 10, 20, 30, 40, 50, 60, 70, 80, 90],
            [2, 1, 1, 1, 1, 1, 1, 1, 1, 1],          // Up: +1 on every byte of row 0
            [1, 5, 5, 5, 1, 1, 1, 1, 1, 1],          // Sub: 5,5,5 then +1 per byte from the pixel to the left
        ]);
        var image = PngCodec.Decode(rgb, "rgb.png");
        Assert.Equal(new byte[] { 10, 20, 30, 40, 50, 60, 70, 80, 90 }, image.Pixels.AsSpan(0, 9).ToArray());
        Assert.Equal(new byte[] { 11, 21, 31, 41, 51, 61, 71, 81, 91 }, image.Pixels.AsSpan(9, 9).ToArray());
        Assert.Equal(new byte[] { 5, 5, 5, 6, 6, 6, 7, 7, 7 }, image.Pixels.AsSpan(18, 9).ToArray());
        var grayAlpha = PngCodec.Decode(HandPng(4, 2, [[0, 9, 255, 8, 255, 7, 255]]), "ga.png");
        Assert.Equal(new byte[] { 9, 9, 9, 8, 8, 8, 7, 7, 7 }, grayAlpha.Pixels);
        var paletted = PngCodec.Decode(HandPng(3, 1, [[0, 1, 0, 1]], palette: [1, 2, 3, 4, 5, 6]), "p.png");
        Assert.Equal(new byte[] { 4, 5, 6, 1, 2, 3, 4, 5, 6 }, paletted.Pixels);
    }

    [Fact]
    public void Corrupt_png_is_an_error()
    {
        var png = PngCodec.Encode(Quadrants());
        png[png.Length - 20] ^= 0xFF; // inside IDAT: CRC mismatch
        Assert.Throws<ImageDecodeException>(() => PngCodec.Decode(png, "bad.png"));
    }

    [Fact]
    public void Resampling_keeps_flat_colours_and_averages_when_shrinking()
    {
        var image = Quadrants();
        var up = Resample.Resize(image, 32, 32);
        Assert.Equal(new byte[] { 255, 0, 0 }, up.Pixel(4, 4).ToArray());
        Assert.All(Resample.Resize(new RgbImage(9, 7, Enumerable.Repeat((byte)123, 9 * 7 * 3).ToArray()), 4, 3).Pixels, v => Assert.Equal(123, v));
        // 4x1 row [0, 0, 255, 255] -> 2x1: PIL's triangle filter widened by the scale (support 2):
        // out 0: weights .75, .75, .25 on pixels 0..2 -> 255 * .25 / 1.75 = 36.4; out 1: .25, .75, .75 on 1..3 -> 218.6.
        var row = new RgbImage(4, 1, [0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
        Assert.Equal(new byte[] { 36, 36, 36, 219, 219, 219 }, Resample.Resize(row, 2, 1).Pixels);
    }
}
