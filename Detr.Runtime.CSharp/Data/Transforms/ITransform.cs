namespace Detr.Runtime.Data.Transforms;

/// <summary>One augmentation step on an image and its boxes, drawing randomness only from <c>rng</c>.</summary>
public interface ITransform
{
    DetectionSample Apply(DetectionSample sample, SampleRandom rng);
}

/// <summary>Applies transforms in order.</summary>
public sealed record Compose(IReadOnlyList<ITransform> Steps) : ITransform
{
    public DetectionSample Apply(DetectionSample sample, SampleRandom rng)
    {
        foreach (var step in Steps) sample = step.Apply(sample, rng);
        return sample;
    }
}

/// <summary>DETR's RandomSelect: the first transform with probability p, else the second.</summary>
public sealed record RandomSelect(ITransform First, ITransform Second, double P = 0.5) : ITransform
{
    public DetectionSample Apply(DetectionSample sample, SampleRandom rng) => rng.NextDouble() < P ? First.Apply(sample, rng) : Second.Apply(sample, rng);
}
