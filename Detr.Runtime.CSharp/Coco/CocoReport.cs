using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Detr.Runtime.Coco;

/// <summary>Human and machine outputs of an evaluation: the per-category table, JSON, and SVG charts.</summary>
public static class CocoReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Per-category AP, AP50, AR100 and ground-truth count, best first; −1 shown as "-".</summary>
    public static string CategoryTable(CocoResult result)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Format(Invariant, "{0,-8} {1,-24} {2,7} {3,7} {4,7} {5,7}", "id", "category", "AP", "AP50", "AR100", "GT"));
        string F(double v) => v < 0 ? "-" : v.ToString("0.000", Invariant);
        foreach (var c in result.PerCategory.OrderByDescending(c => c.AP).ThenBy(c => c.CategoryId))
            sb.AppendLine(string.Format(Invariant, "{0,-8} {1,-24} {2,7} {3,7} {4,7} {5,7}", c.CategoryId,
                c.Name.Length > 24 ? c.Name[..24] : c.Name, F(c.AP), F(c.AP50), F(c.AR100), c.GroundTruth));
        return sb.ToString();
    }

    /// <summary>{"stats": [12 in pycocotools' order], "stats_dict": {...}, "per_category": {...}}.</summary>
    public static string Json(CocoResult result)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("stats");
            foreach (var v in result.Stats.Values) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteStartObject("stats_dict");
            for (var i = 0; i < 12; i++) w.WriteNumber(CocoStats.Names[i], result.Stats.Values[i]);
            w.WriteEndObject();
            w.WriteStartObject("per_category");
            foreach (var c in result.PerCategory)
            {
                w.WriteStartObject(c.CategoryId.ToString(Invariant));
                w.WriteString("name", c.Name);
                w.WriteNumber("AP", c.AP);
                w.WriteNumber("AP50", c.AP50);
                w.WriteNumber("AR100", c.AR100);
                w.WriteNumber("gt", c.GroundTruth);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Precision–recall curves (area all, 100 detections, averaged over categories with ground truth) at
    /// IoU 0.50, 0.75 and averaged over 0.50:0.95, as a self-contained SVG.
    /// </summary>
    public static string PrecisionRecallSvg(CocoResult result, CocoParams p)
    {
        var acc = result.Accumulation;
        double[] Curve(IEnumerable<int> thresholds)
        {
            var ts = thresholds.ToArray();
            var curve = new double[acc.R];
            for (var r = 0; r < acc.R; r++)
            {
                double sum = 0;
                var n = 0;
                foreach (var t in ts)
                    for (var k = 0; k < acc.K; k++)
                    {
                        var v = acc.Precision[acc.PrecisionIndex(t, r, k, 0, acc.M - 1)];
                        if (v > -1) { sum += v; n++; }
                    }
                curve[r] = n == 0 ? 0 : sum / n;
            }
            return curve;
        }
        var series = new (string Label, string Colour, double[] Values)[]
        {
            ($"IoU 0.50 (AP50 {F3(result.Stats.Values[1])})", "#1f77b4", Curve([0])),
            ($"IoU 0.75 (AP75 {F3(result.Stats.Values[2])})", "#ff7f0e", Curve([Array.IndexOf(p.IouThresholds, 0.75)])),
            ($"IoU 0.50:0.95 (AP {F3(result.Stats.Values[0])})", "#2ca02c", Curve(Enumerable.Range(0, acc.T))),
        };
        const int width = 520, height = 400, left = 60, top = 30, plot = 300;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"18\" font-size=\"14\">Precision–recall (area all, 100 detections)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{plot}\" height=\"{plot}\" fill=\"none\" stroke=\"#999\"/>");
        for (var i = 0; i <= 10; i += 2)
        {
            var v = i / 10.0;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + v * plot - 8:0}\" y=\"{top + plot + 16}\">{v:0.0}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 30}\" y=\"{top + plot - v * plot + 4:0}\">{v:0.0}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + plot / 2 - 20}\" y=\"{top + plot + 34}\">recall</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"12\" y=\"{top + plot / 2}\" transform=\"rotate(-90 12 {top + plot / 2})\">precision</text>");
        var legend = top + 10;
        foreach (var (label, colour, values) in series)
        {
            var points = string.Join(" ", values.Select((v, r) => string.Format(Invariant, "{0:0.0},{1:0.0}", left + p.RecallThresholds[r] * plot, top + plot - v * plot)));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + plot + 10}\" y=\"{legend - 8}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{left + plot + 24}\" y=\"{legend + 1}\">{Escape(label)}</text>");
            legend += 18;
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>AP per category as horizontal bars (categories with ground truth), best first.</summary>
    public static string CategorySvg(CocoResult result)
    {
        var rows = result.PerCategory.Where(c => c.AP >= 0).OrderByDescending(c => c.AP).ToList();
        const int barWidth = 300, left = 170, rowHeight = 16;
        var height = 40 + rows.Count * rowHeight;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{left + barWidth + 60}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/><text x=\"10\" y=\"18\" font-size=\"14\">AP per category (IoU 0.50:0.95, area all)</text>");
        for (var i = 0; i < rows.Count; i++)
        {
            var y = 30 + i * rowHeight;
            var c = rows[i];
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 11}\" text-anchor=\"end\">{Escape(c.Name.Length > 0 ? c.Name : c.CategoryId.ToString(Invariant))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y + 2}\" width=\"{c.AP * barWidth:0.0}\" height=\"{rowHeight - 4}\" fill=\"#4c78a8\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + c.AP * barWidth + 4:0.0}\" y=\"{y + 11}\">{F3(c.AP)}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string F3(double v) => v < 0 ? "-" : v.ToString("0.000", Invariant);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
