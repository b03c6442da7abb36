namespace Detr.Runtime.Data.Transforms;

/// <summary>
/// Resizes so that the shorter side is a size drawn from <see cref="Sizes"/>, capping the longer side at
/// <see cref="MaxSize"/> (detr datasets/transforms.py RandomResize / resize / get_size_with_aspect_ratio,
/// including its int() truncation and round() of the capped size); boxes and areas scale with the image.
/// </summary>
public sealed record RandomResize(IReadOnlyList<int> Sizes, int? MaxSize = null) : ITransform
{
    public DetectionSample Apply(DetectionSample sample, SampleRandom rng) => Resize(sample, Sizes[rng.Next(Sizes.Count)], MaxSize);

    /// <summary>(height, width) for a shorter side of <paramref name="size"/>, as the reference computes it.</summary>
    public static (int H, int W) TargetSize(int w, int h, int size, int? maxSize)
    {
        if (maxSize is { } max)
        {
            double minOriginal = Math.Min(w, h), maxOriginal = Math.Max(w, h);
            if (maxOriginal / minOriginal * size > max) size = (int)Math.Round(max * minOriginal / maxOriginal, MidpointRounding.ToEven);
        }
        if ((w <= h && w == size) || (h <= w && h == size)) return (h, w);
        return w < h ? ((int)(size * h / (double)w), size) : (size, (int)(size * w / (double)h));
    }

    public static DetectionSample Resize(DetectionSample sample, int size, int? maxSize)
    {
        var (w, h) = (sample.Image.Width, sample.Image.Height);
        var (oh, ow) = TargetSize(w, h, size, maxSize);
        if (oh == h && ow == w) return sample;
        var (rw, rh) = ((float)ow / w, (float)oh / h);
        var boxes = new float[sample.Boxes.Length];
        for (var i = 0; i < sample.Count; i++)
        {
            boxes[4 * i] = sample.Boxes[4 * i] * rw;
            boxes[4 * i + 1] = sample.Boxes[4 * i + 1] * rh;
            boxes[4 * i + 2] = sample.Boxes[4 * i + 2] * rw;
            boxes[4 * i + 3] = sample.Boxes[4 * i + 3] * rh;
        }
        var areas = new float[sample.Count];
        for (var i = 0; i < areas.Length; i++) areas[i] = sample.Areas[i] * rw * rh;
        return sample.With(sample.Image.Resize(ow, oh), boxes, areas);
    }
}
