using System.Text.Json;
using Detr.Runtime.Matching;
using Detr.Tests;

namespace Detr.Runtime.Tests.Matching;

/// <summary>The host solver on the reference's exact float32 cost matrices gives scipy's matches.</summary>
public class HungarianFixtureTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "detr_hungarian_matcher.json", "focal_hungarian_matcher.json" })
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("matcher", file)));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
                data.Add(file, c.GetProperty("name").GetString()!);
        }
        return data;
    }

    /// <summary>Maps each target to the smallest index of its duplicate group (ties are arbitrary there).</summary>
    internal static int Canonical(JsonElement groups, int target)
    {
        foreach (var g in groups.EnumerateArray())
        {
            var members = g.EnumerateArray().Select(x => x.GetInt32()).ToArray();
            if (members.Contains(target)) return members.Min();
        }
        return target;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Host_solver_reproduces_scipy_indices_on_reference_cost_matrices(string file, string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("matcher", file)));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var config = c.GetProperty("inputs").GetProperty("config");
        int b = config.GetProperty("B").GetInt32(), q = config.GetProperty("Q").GetInt32();
        var targets = config.GetProperty("targets_per_image").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var tMax = Math.Max(1, targets.Max());
        var expected = c.GetProperty("expected");
        var cost = new float[b * q * tMax];
        var matrices = expected.GetProperty("cost_matrices");
        for (var i = 0; i < b; i++)
        {
            var rows = matrices[i].EnumerateArray().ToArray();
            for (var p = 0; p < rows.Length; p++)
            {
                var row = rows[p].EnumerateArray().ToArray();
                for (var t = 0; t < row.Length; t++) cost[(i * q + p) * tMax + t] = (float)row[t].GetDouble();
            }
        }

        var matches = BatchedHungarian.Solve(cost, b, q, tMax, targets);

        var groups = expected.GetProperty("duplicate_target_groups");
        for (var i = 0; i < b; i++)
        {
            var want = expected.GetProperty("indices")[i];
            var wantPred = want.GetProperty("pred_idx").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            var wantTgt = want.GetProperty("tgt_idx").EnumerateArray().Select(x => Canonical(groups[i], x.GetInt32())).ToArray();
            Assert.Equal(wantPred, matches[i].PredIdx);
            Assert.Equal(wantTgt, matches[i].TgtIdx.Select(x => Canonical(groups[i], x)).ToArray());
            var total = matches[i].PredIdx.Zip(matches[i].TgtIdx).Sum(m => (double)cost[(i * q + m.First) * tMax + m.Second]);
            Assert.Equal(want.GetProperty("total_cost_f64sum").GetDouble(), total, 1e-4);
        }
    }

    [Fact]
    public void NaN_in_a_cost_block_names_the_image_and_counts_entries()
    {
        var cost = new float[2 * 3 * 2];
        cost[6 + 1] = float.NaN;
        cost[6 + 2] = float.PositiveInfinity;
        cost[6 + 3] = float.NaN;
        var e = Assert.Throws<NonFiniteCostException>(() => BatchedHungarian.Solve(cost, 2, 3, 2, [2, 2]));
        Assert.Equal(1, e.Image);
        Assert.Equal(2, e.NanCount);
        Assert.Equal(1, e.InfCount);
        Assert.Contains("image 1", e.Message);
        Assert.Contains("diverged", e.Message);
    }
}
