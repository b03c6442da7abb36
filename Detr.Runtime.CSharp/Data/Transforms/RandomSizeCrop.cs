namespace Detr.Runtime.Data.Transforms;

/// <summary>
/// Crops a random region of width and height in [min, max] (capped by the image), at a random position
/// (detr RandomSizeCrop + crop): boxes shift, are clipped to the region, and boxes left with zero width or
/// height are removed together with their labels.
/// </summary>
public sealed record RandomSizeCrop(int MinSize, int MaxSize) : ITransform
{
    public DetectionSample Apply(DetectionSample sample, SampleRandom rng)
    {
        var (W, H) = (sample.Image.Width, sample.Image.Height);
        // random.randint is inclusive at both ends; the lower bound is capped so small images still crop.
        var w = rng.Next(Math.Min(MinSize, W), Math.Min(W, MaxSize) + 1);
        var h = rng.Next(Math.Min(MinSize, H), Math.Min(H, MaxSize) + 1);
        var top = rng.Next(0, H - h + 1);
        var left = rng.Next(0, W - w + 1);
        return Crop(sample, top, left, h, w);
    }

    public static DetectionSample Crop(DetectionSample sample, int top, int left, int height, int width)
    {
        var boxes = new float[sample.Boxes.Length];
        var areas = new float[sample.Count];
        var keep = new bool[sample.Count];
        for (var i = 0; i < sample.Count; i++)
        {
            var x0 = Math.Clamp(sample.Boxes[4 * i] - left, 0, width);
            var y0 = Math.Clamp(sample.Boxes[4 * i + 1] - top, 0, height);
            var x1 = Math.Clamp(sample.Boxes[4 * i + 2] - left, 0, width);
            var y1 = Math.Clamp(sample.Boxes[4 * i + 3] - top, 0, height);
            (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = (x0, y0, x1, y1);
            areas[i] = (x1 - x0) * (y1 - y0);
            keep[i] = x1 > x0 && y1 > y0;
        }
        return sample.With(sample.Image.Crop(left, top, width, height), boxes, areas, keep);
    }
}
