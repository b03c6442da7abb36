using Detr.Runtime.Imaging;
using Detr.Runtime.Inference;

namespace Detr.Runtime.Tests.Inference;

public class PredictionDrawingTests
{
    [Fact]
    public void A_drawn_detection_has_its_box_and_its_caption_in_white_on_the_box_colour_above_it()
    {
        var image = new RgbImage(100, 100);
        var d = new Detections([0.5f], [1], [[20, 30, 60, 70]]);
        var drawn = Predictor.Draw(image, d, [0], (_, _) => "x 0.50");
        var colour = drawn.Pixel(40, 30).ToArray();                          // the box's top edge
        Assert.NotEqual(new byte[] { 0, 0, 0 }, colour);
        Assert.Equal(colour, drawn.Pixel(20, 50).ToArray());                 // its left edge
        var (w, h) = BitmapFont.Measure("x 0.50", 1);
        var label = Enumerable.Range(20, w + 2).SelectMany(x => Enumerable.Range(30 - h - 2, h + 2).Select(y => drawn.Pixel(x, y).ToArray())).ToList();
        Assert.Contains(label, p => p.SequenceEqual(new byte[] { 255, 255, 255 }));   // the text
        Assert.Contains(label, p => p.SequenceEqual(colour));                          // its background
        Assert.All(label, p => Assert.True(p.SequenceEqual(colour) || p.SequenceEqual(new byte[] { 255, 255, 255 })));
        Assert.Equal(new byte[] { 0, 0, 0 }, drawn.Pixel(80, 10).ToArray());          // elsewhere untouched
        Assert.Equal(new byte[] { 0, 0, 0 }, image.Pixel(40, 30).ToArray());          // the input is not drawn on
        // without a caption only the box is drawn
        var boxOnly = Predictor.Draw(image, d, [0]);
        Assert.Equal(new byte[] { 0, 0, 0 }, boxOnly.Pixel(22, 25).ToArray());
    }

    [Fact]
    public void A_caption_that_would_leave_the_image_on_the_right_is_moved_left_into_it()
    {
        var image = new RgbImage(60, 60);
        var d = new Detections([0.9f], [2], [[50, 30, 58, 50]]);
        var drawn = Predictor.Draw(image, d, [0], (_, _) => "caption");
        var (w, h) = BitmapFont.Measure("caption", 1);
        Assert.True(w + 2 < 60);
        var colour = drawn.Pixel(54, 30).ToArray();
        Assert.Equal(colour, drawn.Pixel(60 - w - 2, 30 - h - 2).ToArray());   // the label's top left corner
        Assert.Equal(colour, drawn.Pixel(59, 30 - h - 2).ToArray());           // and it reaches the right edge
    }
}
