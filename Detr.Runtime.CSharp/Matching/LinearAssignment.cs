namespace Detr.Runtime.Matching;

/// <summary>
/// Exact rectangular linear sum assignment (minimum cost), by the shortest augmenting path method with
/// dual variables: D. F. Crouse, "On implementing 2D rectangular assignment algorithms", IEEE TAES
/// 52(4), 2016, pp. 1685–1686 — the algorithm behind scipy's <c>linear_sum_assignment</c>, which
/// DETR's HungarianMatcher calls. Like scipy 1.10 we transpose tall matrices and, among columns of equal
/// reduced cost, prefer one that ends the path (an unassigned column). Deliberate difference: remaining
/// ties go to the lowest column index, a rule that does not depend on scan order, so the batched device
/// solver (DeviceHungarian) can apply the very same rule with tensor ops and both give
/// identical assignments even with tied costs. For a unique optimum the result equals scipy's; with ties
/// (duplicate targets) it is another optimum, as scipy's own float32/float64 runs are (fixtures §4.1).
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// Solves the problem for a row-major <paramref name="rows"/> × <paramref name="cols"/> cost matrix.
    /// Returns <c>min(rows, cols)</c> pairs (row, col), rows ascending (scipy's output order).
    /// Throws <see cref="ArgumentException"/> for NaN or −∞ entries.
    /// </summary>
    public static (int[] Rows, int[] Cols) Solve(ReadOnlySpan<double> cost, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (cost.Length != rows * cols)
            throw new ArgumentException($"a {rows} x {cols} cost matrix needs {rows * cols} values, got {cost.Length}");
        var n = Math.Min(rows, cols);
        var rowIndex = new int[n];
        var colIndex = new int[n];
        var scratch = new Scratch(Math.Min(rows, cols), Math.Max(rows, cols));
        var status = Solve(cost, rows, cols, scratch, rowIndex, colIndex);
        if (status == Status.Invalid)
            throw new ArgumentException("cost matrix contains NaN or -infinity");
        if (status == Status.Infeasible)
            throw new ArgumentException("cost matrix is infeasible (a row has only +infinity entries)");
        return (rowIndex, colIndex);
    }

    public enum Status
    {
        Ok = 0,
        Infeasible = -1,
        Invalid = -2,
    }

    /// <summary>Working memory for one problem size (reused across images by the batched matcher).</summary>
    public sealed class Scratch
    {
        public Scratch(int maxRows, int maxCols)
        {
            var r = Math.Max(maxRows, 1);
            var c = Math.Max(maxCols, 1);
            Transposed = new double[r * c];
            U = new double[r];
            V = new double[c];
            ShortestPathCosts = new double[c];
            Path = new int[c];
            Col4Row = new int[r];
            Row4Col = new int[c];
            VisitedRow = new bool[r];
            VisitedCol = new bool[c];
        }

        internal double[] Transposed;
        internal double[] U, V, ShortestPathCosts;
        internal int[] Path, Col4Row, Row4Col;
        internal bool[] VisitedRow, VisitedCol;

        /// <summary>Grows the buffers when a problem exceeds them (rare; sizes are per batch).</summary>
        internal void Ensure(int shortSide, int longSide)
        {
            if (U.Length >= shortSide && V.Length >= longSide && Transposed.Length >= shortSide * longSide) return;
            var grown = new Scratch(Math.Max(shortSide, U.Length), Math.Max(longSide, V.Length));
            (Transposed, U, V, ShortestPathCosts) = (grown.Transposed, grown.U, grown.V, grown.ShortestPathCosts);
            (Path, Col4Row, Row4Col) = (grown.Path, grown.Col4Row, grown.Row4Col);
            (VisitedRow, VisitedCol) = (grown.VisitedRow, grown.VisitedCol);
        }
    }

    /// <summary>
    /// The allocation-free core: writes min(rows, cols) pairs, rows ascending, into
    /// <paramref name="rowIndex"/>/<paramref name="colIndex"/>; returns a status instead of throwing.
    /// </summary>
    public static Status Solve(ReadOnlySpan<double> cost, int rows, int cols, Scratch scratch, Span<int> rowIndex, Span<int> colIndex)
    {
        if (rows == 0 || cols == 0) return Status.Ok;

        // Normalise: a tall matrix is transposed so that every row gets a column (scipy does the same).
        var transpose = cols < rows;
        var nr = transpose ? cols : rows;
        var nc = transpose ? rows : cols;
        scratch.Ensure(nr, nc);
        ReadOnlySpan<double> c = cost;
        if (transpose)
        {
            var t = scratch.Transposed.AsSpan(0, nr * nc);
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < cols; j++)
                    t[j * rows + i] = cost[i * cols + j];
            c = t;
        }
        foreach (var x in c)
            if (double.IsNaN(x) || double.IsNegativeInfinity(x)) return Status.Invalid;

        var u = scratch.U.AsSpan(0, nr);
        var v = scratch.V.AsSpan(0, nc);
        var col4row = scratch.Col4Row.AsSpan(0, nr);
        var row4col = scratch.Row4Col.AsSpan(0, nc);
        u.Clear();
        v.Clear();
        col4row.Fill(-1);
        row4col.Fill(-1);

        for (var currentRow = 0; currentRow < nr; currentRow++)
        {
            var sink = AugmentingPath(c, nr, nc, currentRow, scratch, out var minVal);
            if (sink < 0) return Status.Infeasible;

            // Update the duals of the rows and columns visited by the search.
            var spc = scratch.ShortestPathCosts;
            u[currentRow] += minVal;
            for (var i = 0; i < nr; i++)
                if (scratch.VisitedRow[i] && i != currentRow)
                    u[i] += minVal - spc[col4row[i]];
            for (var j = 0; j < nc; j++)
                if (scratch.VisitedCol[j])
                    v[j] -= minVal - spc[j];

            // Augment along the path ending at the sink.
            var col = sink;
            while (true)
            {
                var row = scratch.Path[col];
                row4col[col] = row;
                (col4row[row], col) = (col, col4row[row]);
                if (row == currentRow) break;
            }
        }

        if (!transpose)
        {
            for (var i = 0; i < nr; i++)
            {
                rowIndex[i] = i;
                colIndex[i] = col4row[i];
            }
        }
        else
        {
            // Rows of the original problem are our columns: report them ascending.
            var k = 0;
            for (var original = 0; original < nc; original++)
            {
                var assigned = row4col[original];
                if (assigned < 0) continue;
                rowIndex[k] = original;
                colIndex[k] = assigned;
                k++;
            }
        }
        return Status.Ok;
    }

    /// <summary>Dijkstra-like search for the cheapest path from <paramref name="row"/> to a free column.</summary>
    private static int AugmentingPath(ReadOnlySpan<double> c, int nr, int nc, int row, Scratch s, out double minVal)
    {
        minVal = 0;
        var spc = s.ShortestPathCosts;
        var path = s.Path;
        var row4col = s.Row4Col;
        var visitedCol = s.VisitedCol;
        var u = s.U;
        var v = s.V;
        Array.Clear(s.VisitedRow, 0, nr);
        Array.Clear(visitedCol, 0, nc);
        spc.AsSpan(0, nc).Fill(double.PositiveInfinity);

        var i = row;
        while (true)
        {
            var best = -1;
            var lowest = double.PositiveInfinity;
            var bestIsFree = false;
            s.VisitedRow[i] = true;
            var rowOffset = i * nc;
            var ui = u[i];
            for (var j = 0; j < nc; j++)
            {
                if (visitedCol[j]) continue;
                var r = minVal + c[rowOffset + j] - ui - v[j];
                if (r < spc[j])
                {
                    path[j] = i;
                    spc[j] = r;
                }
                // Tie rule: lower reduced cost; then a free column (it ends the path); then lower index.
                var isFree = row4col[j] == -1;
                if (spc[j] < lowest || (spc[j] == lowest && isFree && !bestIsFree))
                {
                    lowest = spc[j];
                    best = j;
                    bestIsFree = isFree;
                }
            }
            minVal = lowest;
            if (best < 0 || double.IsPositiveInfinity(minVal)) return -1;
            visitedCol[best] = true;
            if (bestIsFree) return best;
            i = row4col[best];
        }
    }
}
