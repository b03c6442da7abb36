namespace Detr.Runtime.Data.Transforms;

/// <summary>Mirrors the image with probability p; boxes follow: [x0, y0, x1, y1] → [w − x1, y0, w − x0, y1] (detr datasets/transforms.py hflip).</summary>
public sealed record HorizontalFlip(double P = 0.5) : ITransform
{
    public DetectionSample Apply(DetectionSample sample, SampleRandom rng) => rng.NextDouble() < P ? Flip(sample) : sample;

    public static DetectionSample Flip(DetectionSample sample)
    {
        var w = sample.Image.Width;
        var boxes = (float[])sample.Boxes.Clone();
        for (var i = 0; i < sample.Count; i++)
        {
            boxes[4 * i] = w - sample.Boxes[4 * i + 2];
            boxes[4 * i + 2] = w - sample.Boxes[4 * i];
        }
        return sample.With(sample.Image.FlipHorizontal(), boxes, sample.Areas);
    }
}
