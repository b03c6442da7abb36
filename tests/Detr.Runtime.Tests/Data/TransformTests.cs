using Detr.Runtime.Data;
using Detr.Runtime.Data.Transforms;
using Detr.Runtime.Imaging;
using Detr.Torch;

namespace Detr.Runtime.Tests.Data;

/// <summary>Issue #5, acceptance 2: boxes follow flips, resizes and crops exactly; masks mark the padding.</summary>
public class TransformTests
{
    private static DetectionSample Sample(int w = 100, int h = 50) =>
        new(ImageView.Of(new RgbImage(w, h)), [10, 5, 30, 25, 60, 10, 100, 50], [3, 7], [300, 1200], 42, (h, w));

    [Fact]
    public void Flip_mirrors_boxes_about_the_image_width()
    {
        var flipped = HorizontalFlip.Flip(Sample());
        Assert.Equal(new float[] { 70, 5, 90, 25, 0, 10, 40, 50 }, flipped.Boxes);
        Assert.Equal(new long[] { 3, 7 }, flipped.Labels);
    }

    [Fact]
    public void Views_compose_flip_crop_and_resize_into_the_right_pixels()
    {
        // A 4x2 image with distinct columns; flip then crop the (new) left two columns -> original columns 3, 2.
        var image = new RgbImage(4, 2);
        for (var y = 0; y < 2; y++)
            for (var x = 0; x < 4; x++) image.Pixel(x, y).Fill((byte)(10 * (x + 1)));
        var view = ImageView.Of(image).FlipHorizontal().Crop(0, 0, 2, 2).Materialize();
        Assert.Equal(new byte[] { 40, 40, 40, 30, 30, 30, 40, 40, 40, 30, 30, 30 }, view.Pixels);
        // Doubling a 2x1 crop repeats each pixel (upsampling taps stay inside the crop).
        var doubled = ImageView.Of(image).Crop(1, 0, 2, 1).Resize(4, 1).Materialize().Pixels.Where((_, i) => i % 3 == 0).ToArray();
        Assert.Equal(new byte[] { 20, 23, 28, 30 }, doubled);
    }

    [Theory]
    [InlineData(100, 50, 25, null, 25, 50)]      // shorter side 50 -> 25, longer 100 -> int(25 * 100 / 50) = 50
    [InlineData(50, 100, 30, null, 60, 30)]      // portrait: w 30, h int(30 * 100 / 50) = 60
    [InlineData(640, 480, 800, 1333, 800, 1066)] // int(800 * 640 / 480) = 1066
    [InlineData(1000, 200, 800, 1333, 267, 1335)] // capped: round(1333 * 200 / 1000) = 267, w int(267 * 1000 / 200) = 1335 (the reference overshoots its cap)
    [InlineData(100, 50, 50, null, 50, 100)]     // already the requested size
    public void Target_sizes_follow_get_size_with_aspect_ratio(int w, int h, int size, int? max, int expectedH, int expectedW)
    {
        var (oh, ow) = RandomResize.TargetSize(w, h, size, max);
        Assert.Equal((expectedH, expectedW), (oh, ow));
    }

    [Fact]
    public void Resize_scales_boxes_and_areas_by_the_exact_ratios()
    {
        var resized = RandomResize.Resize(Sample(), 25, null); // 100x50 -> 50x25: ratios 0.5, 0.5
        Assert.Equal((25, 50), (resized.Image.Height, resized.Image.Width));
        Assert.Equal(new float[] { 5, 2.5f, 15, 12.5f, 30, 5, 50, 25 }, resized.Boxes);
        Assert.Equal(new float[] { 75, 300 }, resized.Areas);
    }

    [Fact]
    public void Crop_shifts_clips_and_drops_boxes_it_removes()
    {
        // Region x 20..70, y 0..30: box 1 [10,5,30,25] -> [0,5,10,25]; box 2 [60,10,100,50] -> [40,10,50,30].
        var cropped = RandomSizeCrop.Crop(Sample(), top: 0, left: 20, height: 30, width: 50);
        Assert.Equal((30, 50), (cropped.Image.Height, cropped.Image.Width));
        Assert.Equal(new float[] { 0, 5, 10, 25, 40, 10, 50, 30 }, cropped.Boxes);
        Assert.Equal(new float[] { 200, 200 }, cropped.Areas);
        // Region x 35..55: box 1 ends at 30 (removed), box 2 starts at 60 (removed).
        var empty = RandomSizeCrop.Crop(Sample(), top: 0, left: 35, height: 50, width: 20);
        Assert.Equal(0, empty.Count);
        Assert.Empty(empty.Labels);
        // A crop through box 2 only keeps box 2, with its label.
        var one = RandomSizeCrop.Crop(Sample(), top: 20, left: 50, height: 30, width: 50);
        Assert.Equal(new long[] { 7 }, one.Labels);
        Assert.Equal(new float[] { 10, 0, 50, 30 }, one.Boxes);
    }

    [Fact]
    public void Collate_pads_bottom_right_and_the_mask_marks_exactly_the_padding()
    {
        var a = new DetectionSample(ImageView.Of(new RgbImage(4, 2)), [0, 0, 2, 2], [1], [4], 1, (2, 4));
        var b = new DetectionSample(ImageView.Of(new RgbImage(3, 3)), [1, 1, 3, 3], [2], [4], 2, (3, 3));
        using var batch = Collate.Create([a, b], [0, 1]);
        Assert.Equal(new long[] { 2, 3, 3, 4 }, batch.Pixels.Shape);
        Assert.Equal(DType.UInt8, batch.Pixels.DType);
        var mask = batch.Mask.ToArray<bool>();
        // image 0 (4x2 in a 4x3 canvas): last row padded; image 1 (3x3): last column padded.
        Assert.Equal(new[] { false, false, false, false, false, false, false, false, true, true, true, true }, mask[..12]);
        Assert.Equal(new[] { false, false, false, true, false, false, false, true, false, false, false, true }, mask[12..]);
        var levels = batch.Pixels.ToArray<byte>();
        using var scope = DisposeScope.Enter();
        var (images, _) = batch.ImagesOn(Device.Cpu);
        var pixels = images.ToArray<float>();
        // every padded position is zero in all three channels, as levels and normalised (the tensors start uninitialised)
        for (var i = 0; i < 2; i++)
            for (var p = 0; p < 12; p++)
                if (mask[i * 12 + p])
                    for (var c = 0; c < 3; c++)
                    {
                        Assert.Equal(0, levels[i * 36 + c * 12 + p]);
                        Assert.Equal(0f, pixels[i * 36 + c * 12 + p]);
                    }
        Assert.Equal((0 / 255f - 0.485f) / 0.229f, pixels[0], 6);   // a black image pixel, normalised
        // targets: normalised cxcywh of the augmented image
        Assert.Equal(new float[] { 0.25f, 0.5f, 0.5f, 1f }, batch.Targets[0].Boxes.ToArray<float>());
        Assert.Equal(new float[] { 2 / 3f, 2 / 3f, 2 / 3f, 2 / 3f }, batch.Targets[1].Boxes.ToArray<float>());
    }

    [Fact]
    public void Images_on_the_device_are_the_levels_normalised_with_imagenet_mean_and_std()
    {
        var image = new RgbImage(2, 1);
        byte[] colours = [200, 100, 50, 0, 255, 17];
        colours.CopyTo(image.Pixels, 0);
        var sample = new DetectionSample(ImageView.Of(image), [0, 0, 1, 1], [1], [1], 1, (1, 2));
        using var batch = Collate.Create([sample], [0]);
        Assert.Equal(new byte[] { 200, 0, 100, 255, 50, 17 }, batch.Pixels.ToArray<byte>());   // planar R, G, B
        using var scope = DisposeScope.Enter();
        var pixels = batch.ImagesOn(Device.Cpu).Images.ToArray<float>();
        for (var c = 0; c < 3; c++)
            for (var x = 0; x < 2; x++)
                Assert.Equal((colours[3 * x + c] / 255.0 - Collate.Mean[c]) / Collate.Std[c], pixels[c * 2 + x], 5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(70)]
    public void Padding_of_any_width_is_zero_and_masked_and_the_image_is_untouched(int padding)
    {
        // white images: a zero inside an image, or a white padding byte, shows
        DetectionSample White(int w, int h)
        {
            var image = new RgbImage(w, h);
            Array.Fill(image.Pixels, (byte)255);
            return new DetectionSample(ImageView.Of(image), [0, 0, 1, 1], [1], [1], 1, (h, w));
        }
        var (width, height) = (75, 9);
        using var batch = Collate.Create([White(width, height), White(width - padding, height - 2)], [0, 1]);
        var levels = batch.Pixels.ToArray<byte>();
        var mask = batch.Mask.ToArray<bool>();
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var inside = x < width - padding && y < height - 2;
                Assert.Equal(!inside, mask[(height + y) * width + x]);
                Assert.False(mask[y * width + x]);
                for (var c = 0; c < 3; c++) Assert.Equal(inside ? 255 : 0, levels[(3 + c) * height * width + y * width + x]);
            }
    }

    [Fact]
    public void Host_normalisation_gives_the_same_bits_as_libtorch_on_the_device_path()
    {
        var rng = new Random(4);
        DetectionSample Random(int w, int h)
        {
            var image = new RgbImage(w, h);
            rng.NextBytes(image.Pixels);
            return new DetectionSample(ImageView.Of(image), [0, 0, 1, 1], [1], [1], 1, (h, w));
        }
        // odd widths: rows end in a scalar tail; the second image is padded on the right and at the bottom
        using var batch = Collate.Create([Random(37, 21), Random(20, 13)], [0, 1]);
        using var scope = DisposeScope.Enter();
        var host = batch.NormalisedOnHost();
        var (torch, _) = batch.NormalisedWithTorch(Device.Cpu);
        Assert.Equal(torch.Shape, host.Shape);
        Assert.Equal(torch.ToArray<float>(), host.ToArray<float>());
    }
}
