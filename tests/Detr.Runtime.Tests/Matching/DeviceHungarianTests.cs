using Detr.Runtime.Matching;
using Detr.Torch;
using FsCheck;
using FsCheck.Fluent;

namespace Detr.Runtime.Tests.Matching;

/// <summary>Issue #3, acceptance 3: the batched tensor solver gives the host solver's assignment.</summary>
public class DeviceHungarianTests
{
    private static readonly Gen<(int B, int Q, int[] Counts, bool Ties, int Seed)> Batches =
        from b in Gen.Choose(1, 5)
        from q in Gen.Choose(1, 14)
        from counts in Gen.ArrayOf(Gen.Choose(0, q), b)
        from ties in Gen.Elements(false, false, true)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select (b, q, counts, ties, seed);

    private static float[] Costs(int b, int q, int tMax, bool ties, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, b * q * tMax)
            .Select(_ => ties ? (float)rng.Next(0, 4) : (float)(rng.NextDouble() * 10 - 5)).ToArray();
    }

    [Fact]
    public void Device_solver_equals_host_solver_on_a_thousand_random_batches()
    {
        Prop.ForAll(Batches.ToArbitrary(), c =>
        {
            var tMax = Math.Max(1, c.Counts.Max());
            var cost = Costs(c.B, c.Q, tMax, c.Ties, c.Seed);
            var host = BatchedHungarian.Solve(cost, c.B, c.Q, tMax, c.Counts);
            using var scope = DisposeScope.Enter();
            var device = DeviceHungarian.Solve(Tensor.From(cost, c.B, c.Q, tMax), c.Counts);
            for (var i = 0; i < c.B; i++)
                if (!host[i].PredIdx.SequenceEqual(device[i].PredIdx) || !host[i].TgtIdx.SequenceEqual(device[i].TgtIdx))
                    return false;
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void Device_solver_rejects_non_finite_costs_like_the_host()
    {
        using var scope = DisposeScope.Enter();
        var cost = new float[2 * 3 * 2];
        cost[6 + 1] = float.NaN;
        var e = Assert.Throws<NonFiniteCostException>(() => DeviceHungarian.Solve(Tensor.From(cost, 2, 3, 2), [2, 2]));
        Assert.Equal(1, e.Image);
        Assert.Equal(1, e.NanCount);
    }

    [Fact]
    public void Empty_target_lists_give_empty_matches_on_both_solvers()
    {
        using var scope = DisposeScope.Enter();
        var cost = new float[2 * 4 * 1];
        Assert.All(BatchedHungarian.Solve(cost, 2, 4, 1, [0, 0]), m => Assert.Equal(0, m.Count));
        Assert.All(DeviceHungarian.Solve(Tensor.From(cost, 2, 4, 1), [0, 0]), m => Assert.Equal(0, m.Count));
    }
}
