using System.Globalization;
using System.Net;
using System.Text;

namespace Detr.Runtime.Training;

/// <summary>A line chart as inline SVG: axes with ticks, one polyline per series, a legend.</summary>
public static class SvgChart
{
    public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Ticks at 1, 2 or 5 times a power of ten covering [lo, hi].</summary>
    private static double[] Ticks(double lo, double hi, int wanted = 5)
    {
        if (!(hi > lo)) return [lo];
        var raw = (hi - lo) / wanted;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        var first = Math.Ceiling(lo / step) * step;
        var ticks = new List<double>();
        for (var t = first; t <= hi + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step);
        return [.. ticks];
    }

    private static string Label(double v) =>
        Math.Abs(v) >= 1e4 || (Math.Abs(v) < 1e-2 && v != 0) ? v.ToString("0.##e0", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Render(string title, string xLabel, IReadOnlyList<Series> series, int width = 560, int height = 280)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        svg.Append($"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        if (points.Count == 0)
        {
            svg.Append($"<text x=\"{width / 2}\" y=\"{height / 2}\" text-anchor=\"middle\" fill=\"#888\">no data yet</text></svg>");
            return svg.ToString();
        }
        const int left = 60, right = 130, top = 30, bottom = 40;
        var (plotW, plotH) = (width - left - right, height - top - bottom);
        var (x0, x1) = (points.Min(p => p.X), points.Max(p => p.X));
        var (y0, y1) = (Math.Min(0, points.Min(p => p.Y)), points.Max(p => p.Y));
        if (x1 <= x0) x1 = x0 + 1;
        if (y1 <= y0) y1 = y0 + 1;
        double Sx(double x) => left + (x - x0) / (x1 - x0) * plotW;
        double Sy(double y) => top + plotH - (y - y0) / (y1 - y0) * plotH;
        svg.Append($"<rect x=\"{left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"#fafafa\" stroke=\"#999\"/>");
        foreach (var t in Ticks(y0, y1))
        {
            svg.Append($"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{F(Sy(t))}\" y2=\"{F(Sy(t))}\" stroke=\"#e4e4e4\"/>");
            svg.Append($"<text x=\"{left - 6}\" y=\"{F(Sy(t) + 4)}\" text-anchor=\"end\" font-size=\"11\">{Label(t)}</text>");
        }
        foreach (var t in Ticks(x0, x1))
            svg.Append($"<text x=\"{F(Sx(t))}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\" font-size=\"11\">{Label(t)}</text>");
        svg.Append($"<text x=\"{left + plotW / 2}\" y=\"{height - 6}\" text-anchor=\"middle\" font-size=\"12\">{WebUtility.HtmlEncode(xLabel)}</text>");
        for (var i = 0; i < series.Count; i++)
        {
            var colour = Colours[i % Colours.Length];
            var pts = series[i].Points.Where(p => double.IsFinite(p.Y)).ToList();
            if (pts.Count == 1)
                svg.Append($"<circle cx=\"{F(Sx(pts[0].X))}\" cy=\"{F(Sy(pts[0].Y))}\" r=\"3\" fill=\"{colour}\"/>");
            else if (pts.Count > 1)
                svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\" points=\"{string.Join(" ", pts.Select(p => $"{F(Sx(p.X))},{F(Sy(p.Y))}"))}\"/>");
            var ly = top + 14 + 18 * i;
            svg.Append($"<line x1=\"{left + plotW + 10}\" x2=\"{left + plotW + 28}\" y1=\"{ly - 4}\" y2=\"{ly - 4}\" stroke=\"{colour}\" stroke-width=\"3\"/>");
            svg.Append($"<text x=\"{left + plotW + 32}\" y=\"{ly}\" font-size=\"12\">{WebUtility.HtmlEncode(series[i].Name)}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }
}
