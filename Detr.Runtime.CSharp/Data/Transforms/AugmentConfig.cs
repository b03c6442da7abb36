namespace Detr.Runtime.Data.Transforms;

/// <summary>
/// Sizes of DETR's augmentation recipe (detr datasets/coco.py make_coco_transforms). The defaults are the
/// paper's; <see cref="Scaled"/> shrinks every size proportionally for small-image experiments.
/// </summary>
public sealed record AugmentConfig
{
    /// <summary>Shorter-side sizes drawn at random for training (480..800 step 32).</summary>
    public IReadOnlyList<int> Scales { get; init; } = [480, 512, 544, 576, 608, 640, 672, 704, 736, 768, 800];

    /// <summary>Cap on the longer side.</summary>
    public int MaxSize { get; init; } = 1333;

    /// <summary>Shorter sides of the resize before the random crop.</summary>
    public IReadOnlyList<int> CropResizes { get; init; } = [400, 500, 600];

    public int CropMin { get; init; } = 384;

    public int CropMax { get; init; } = 600;

    /// <summary>Shorter side for validation.</summary>
    public int ValidationSize { get; init; } = 800;

    public double FlipProbability { get; init; } = 0.5;

    /// <summary>DETR's recipe with every size multiplied by <paramref name="factor"/> (e.g. 0.16 for ~128 px images).</summary>
    public static AugmentConfig Scaled(double factor)
    {
        var d = new AugmentConfig();
        int S(int v) => Math.Max(8, (int)Math.Round(v * factor));
        return d with
        {
            Scales = d.Scales.Select(S).Distinct().ToArray(),
            MaxSize = S(d.MaxSize),
            CropResizes = d.CropResizes.Select(S).Distinct().ToArray(),
            CropMin = S(d.CropMin),
            CropMax = S(d.CropMax),
            ValidationSize = S(d.ValidationSize),
        };
    }

    /// <summary>
    /// Training: flip, then either a resize, or resize + random crop + resize (probability 1/2 each).
    /// </summary>
    public ITransform Training() => new Compose([
        new HorizontalFlip(FlipProbability),
        new RandomSelect(
            new RandomResize(Scales, MaxSize),
            new Compose([new RandomResize(CropResizes), new RandomSizeCrop(CropMin, CropMax), new RandomResize(Scales, MaxSize)])),
    ]);

    /// <summary>Validation: one fixed resize.</summary>
    public ITransform Validation() => new RandomResize([ValidationSize], MaxSize);
}
