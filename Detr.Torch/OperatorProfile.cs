using System.Globalization;
using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>
/// libtorch's operator profiler (torch.autograd.profiler's CPU mode) around a piece of work on the calling
/// thread: per operator its calls, self time (less the operators it called) and total time. The profiler's
/// own bookkeeping slows every operator a little, so the figures say where time goes, not how much there is.
/// </summary>
public sealed record OperatorProfile(IReadOnlyList<OperatorProfile.Row> Rows)
{
    public sealed record Row(string Name, long Calls, double SelfMs, double TotalMs);

    /// <summary>Runs <paramref name="work"/> with the profiler on; rows by self time, largest first.</summary>
    public static OperatorProfile Record(Action work)
    {
        NativeMethods.Check(NativeMethods.dt_profile_begin());
        string table;
        try { work(); }
        finally { table = NativeMethods.Text(NativeMethods.dt_profile_end()); }
        var rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var f = line.Split('\t');
            double Ms(string us) => double.Parse(us, CultureInfo.InvariantCulture) / 1000;
            return new Row(f[0], long.Parse(f[1], CultureInfo.InvariantCulture), Ms(f[2]), Ms(f[3]));
        });
        return new OperatorProfile(rows.OrderByDescending(r => r.SelfMs).ToList());
    }

    /// <summary>Self time of all operators.</summary>
    public double SelfMs => Rows.Sum(r => r.SelfMs);

    public long Calls => Rows.Sum(r => r.Calls);
}
