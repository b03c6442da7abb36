using Detr.Runtime.Data.Transforms;

namespace Detr.Runtime.Tests.Data;

/// <summary>The per-sample generator the augmentations draw from.</summary>
public class SampleRandomTests
{
    [Fact]
    public void The_same_seed_draws_the_same_numbers_and_another_seed_others()
    {
        static List<double> Draws(ulong seed)
        {
            var rng = new SampleRandom(seed);
            return [.. Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? rng.NextDouble() : rng.Next(3, 700))];
        }
        Assert.Equal(Draws(42), Draws(42));
        Assert.NotEqual(Draws(42), Draws(43));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(36)]
    public void Integers_are_uniform_over_their_range(int range)
    {
        var rng = new SampleRandom(7);
        var counts = new int[range];
        const int perValue = 4000;
        for (var i = 0; i < range * perValue; i++) counts[rng.Next(range)]++;
        // Chi-square with range − 1 degrees of freedom: far below its 99.99th percentile for a uniform draw.
        var chi = counts.Sum(c => (c - perValue) * (double)(c - perValue) / perValue);
        Assert.True(chi < range + 10 * Math.Sqrt(2 * range) + 20, $"chi-square {chi:F1} over {range} values");
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Fact]
    public void Doubles_lie_in_the_unit_interval_and_spread_over_it()
    {
        var rng = new SampleRandom(3);
        var xs = Enumerable.Range(0, 100_000).Select(_ => rng.NextDouble()).ToArray();
        Assert.All(xs, x => Assert.InRange(x, 0.0, 0.9999999999999999));
        Assert.InRange(xs.Average(), 0.495, 0.505);
        Assert.InRange(xs.Count(x => x < 0.1), 9_500, 10_500);
    }

    [Fact]
    public void Bounded_draws_stay_in_their_bounds_and_an_empty_range_is_refused()
    {
        var rng = new SampleRandom(9);
        var draws = Enumerable.Range(0, 10_000).Select(_ => rng.Next(61, 97)).ToArray();
        Assert.Equal(61, draws.Min());
        Assert.Equal(96, draws.Max());
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Next(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Next(0));
    }
}
