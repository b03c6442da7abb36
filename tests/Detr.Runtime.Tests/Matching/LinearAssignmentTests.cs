using Detr.Runtime.Matching;
using FsCheck;
using FsCheck.Fluent;

namespace Detr.Runtime.Tests.Matching;

public class LinearAssignmentTests
{
    /// <summary>Minimum total cost over every injective assignment of the smaller side (≤ 8! cases).</summary>
    private static double BruteForceMinimum(double[] cost, int rows, int cols)
    {
        var transpose = rows > cols;
        var (nr, nc) = transpose ? (cols, rows) : (rows, cols);
        double At(int i, int j) => transpose ? cost[j * cols + i] : cost[i * cols + j];
        var used = new bool[nc];
        var best = double.PositiveInfinity;
        void Recurse(int i, double sum)
        {
            if (i == nr) { best = Math.Min(best, sum); return; }
            for (var j = 0; j < nc; j++)
            {
                if (used[j]) continue;
                used[j] = true;
                Recurse(i + 1, sum + At(i, j));
                used[j] = false;
            }
        }
        Recurse(0, 0);
        return best;
    }

    private static readonly Gen<(int Rows, int Cols, double[] Cost)> SmallMatrices =
        from rows in Gen.Choose(1, 8)
        from cols in Gen.Choose(1, 8)
        from ties in Gen.Elements(true, false)
        from values in Gen.ArrayOf(ties ? Gen.Choose(0, 3).Select(x => (double)x) : Gen.Choose(-1000, 1000).Select(x => x / 7.0), rows * cols)
        select (rows, cols, values);

    [Fact]
    public void Hungarian_is_optimal_against_brute_force_square_rectangular_and_tied()
    {
        Prop.ForAll(SmallMatrices.ToArbitrary(), m =>
        {
            var (r, c) = LinearAssignment.Solve(m.Cost, m.Rows, m.Cols);
            var n = Math.Min(m.Rows, m.Cols);
            var total = 0.0;
            for (var k = 0; k < n; k++) total += m.Cost[r[k] * m.Cols + c[k]];
            var distinctRows = r.Distinct().Count() == n && c.Distinct().Count() == n;
            var ascending = r.Zip(r.Skip(1)).All(p => p.First < p.Second);
            return r.Length == n && distinctRows && ascending && Math.Abs(total - BruteForceMinimum(m.Cost, m.Rows, m.Cols)) < 1e-9;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void Constant_matrix_gives_the_identity_like_scipy()
    {
        var (r, c) = LinearAssignment.Solve(new double[9], 3, 3);
        Assert.Equal(new[] { 0, 1, 2 }, r);
        Assert.Equal(new[] { 0, 1, 2 }, c);
    }

    [Fact]
    public void Tall_matrix_matches_every_column_and_reports_rows_ascending()
    {
        // 4 predictions x 2 targets: target 0 best at row 3, target 1 best at row 1.
        double[] cost = [9, 9, 9, 1, 9, 9, 0, 9];
        var (r, c) = LinearAssignment.Solve(cost, 4, 2);
        Assert.Equal(new[] { 1, 3 }, r);
        Assert.Equal(new[] { 1, 0 }, c);
    }

    [Fact]
    public void NaN_or_minus_infinity_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => LinearAssignment.Solve([0, double.NaN, 1, 2], 2, 2));
        Assert.Throws<ArgumentException>(() => LinearAssignment.Solve([0, double.NegativeInfinity, 1, 2], 2, 2));
    }

    [Fact]
    public void Empty_problems_give_empty_results()
    {
        Assert.Empty(LinearAssignment.Solve([], 0, 5).Rows);
        Assert.Empty(LinearAssignment.Solve([], 5, 0).Rows);
    }
}
