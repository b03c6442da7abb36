namespace Detr.Runtime.Coco;

/// <summary>
/// pycocotools' default bbox parameters. The thresholds are numpy.linspace values, not decimal literals:
/// value i is <c>start + i·step</c> with the last equal to the stop (iouThrs[8] = 0.8999999999999999, ten
/// recall thresholds 1 ulp above k/100), and the results depend on it (fixtures SEMANTICS §6.6).
/// </summary>
public sealed class CocoParams
{
    public static readonly CocoParams Default = new();

    /// <summary>T = 10 IoU thresholds 0.50:0.05:0.95.</summary>
    public double[] IouThresholds { get; } = Linspace(0.5, 0.95, 10);

    /// <summary>R = 101 recall thresholds 0:0.01:1.</summary>
    public double[] RecallThresholds { get; } = Linspace(0.0, 1.0, 101);

    /// <summary>M = 3 detection limits, per image and category.</summary>
    public int[] MaxDets { get; } = [1, 10, 100];

    /// <summary>A = 4 area ranges, inclusive at both ends: all, small, medium, large.</summary>
    public (double Lo, double Hi)[] AreaRanges { get; } = [(0, 1e10), (0, 32 * 32), (32 * 32, 96 * 96), (96 * 96, 1e10)];

    public string[] AreaLabels { get; } = ["all", "small", "medium", "large"];

    /// <summary>numpy.linspace(start, stop, n): start + i·((stop − start)/(n − 1)), the last element = stop.</summary>
    public static double[] Linspace(double start, double stop, int n)
    {
        var step = (stop - start) / (n - 1);
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }
}
