using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Detr.Runtime.Data;
using Detr.Runtime.Imaging;

namespace Detr.Runtime.Training;

/// <summary>
/// `report.html` of a run folder: one self-contained page (inline SVG and base64 images, no network) with
/// the loss curves per term, AP per evaluation, the learning rate, and predictions drawn over validation
/// images next to their ground truth.
/// </summary>
public static class Report
{
    private const string SampleFile = "predictions-sample.json";

    /// <summary>Keeps the last evaluation's detections of a few validation images for the report.</summary>
    public static void SavePredictions(string outDir, IReadOnlyList<ImagePrediction> samples, CocoDataset val)
    {
        var array = new JsonArray();
        foreach (var s in samples)
        {
            var dets = new JsonArray();
            for (var i = 0; i < s.Detections.Count; i++)
            {
                var b = s.Detections.Boxes[i];
                dets.Add(new JsonObject
                {
                    ["score"] = s.Detections.Scores[i], ["category_id"] = s.Detections.Labels[i],
                    ["bbox"] = new JsonArray(b[0], b[1], b[2] - b[0], b[3] - b[1]),
                });
            }
            array.Add(new JsonObject { ["image_id"] = s.ImageId, ["file"] = s.File, ["detections"] = dets });
        }
        Torch.Serialization.AtomicFile.Write(Path.Combine(outDir, SampleFile), st => st.Write(Encoding.UTF8.GetBytes(array.ToJsonString())));
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Writes report.html (atomically) from metrics.jsonl and the saved predictions; returns its path.</summary>
    public static string Write(string outDir, string modelName, CocoDataset val, double scoreThreshold = 0.3)
    {
        var records = File.Exists(Path.Combine(outDir, "metrics.jsonl")) ? MetricsLog.Read(Path.Combine(outDir, "metrics.jsonl")) : [];
        var train = records.Where(r => (string?)r["kind"] == "train").ToList();
        var evals = records.Where(r => (string?)r["kind"] == "eval").ToList();
        double Num(JsonObject r, string key) => r[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
        List<(double, double)> Curve(List<JsonObject> rs, string x, string y) => rs.Where(r => r.ContainsKey(y)).Select(r => (Num(r, x), Num(r, y))).ToList();

        var terms = new[] { "loss", "loss_ce", "loss_bbox", "loss_giou" };
        var lossChart = SvgChart.Render("training loss (weighted, final decoder layer terms)", "optimizer step",
            terms.Select(t => new SvgChart.Series(t, Curve(train, "step", t))).Where(s => s.Points.Count > 0).ToList(), 760, 300);
        var auxTerms = train.SelectMany(r => r.Select(kv => kv.Key)).Where(k => k.StartsWith("loss_") && char.IsDigit(k[^1])).Distinct().Order().ToList();
        var auxChart = auxTerms.Count == 0 ? "" : SvgChart.Render("auxiliary decoder-layer terms", "optimizer step",
            auxTerms.Select(t => new SvgChart.Series(t, Curve(train, "step", t))).ToList(), 760, 300);
        var apChart = SvgChart.Render("COCO AP on the validation split", "epoch",
            new[] { "AP", "AP50", "AP75" }.Select(t => new SvgChart.Series(t, Curve(evals, "epoch", t))).ToList());
        var lrChart = SvgChart.Render("learning rate (transformer group)", "optimizer step", [new SvgChart.Series("lr", Curve(train, "step", "lr"))]);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(modelName)).Append(" — training report</title><style>")
            .Append("body{font-family:sans-serif;margin:24px;color:#222} h1{font-size:20px} h2{font-size:16px;margin-top:28px}")
            .Append("table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
            .Append(".grid{display:flex;flex-wrap:wrap;gap:12px} figure{margin:0} figcaption{font-size:12px;color:#555}")
            .Append("</style></head><body>");
        html.Append($"<h1>{WebUtility.HtmlEncode(modelName)}</h1><p>Run folder: <code>{WebUtility.HtmlEncode(Path.GetFullPath(outDir))}</code>. ");
        html.Append($"{train.Count} logged steps, {evals.Count} evaluations.</p>");
        if (evals.Count > 0)
        {
            var last = evals[^1];
            html.Append("<h2>Last evaluation</h2><table><tr><th>epoch</th>");
            foreach (var n in Coco.CocoStats.Names) html.Append($"<th>{n}</th>");
            html.Append($"</tr><tr><td>{Num(last, "epoch")}</td>");
            foreach (var n in Coco.CocoStats.Names) html.Append($"<td>{Num(last, n).ToString("0.000", CultureInfo.InvariantCulture)}</td>");
            html.Append("</tr></table>");
        }
        html.Append("<h2>Loss</h2>").Append(lossChart).Append(auxChart);
        html.Append("<h2>Accuracy and learning rate</h2><div class=\"grid\">").Append(apChart).Append(lrChart).Append("</div>");
        html.Append("<h2>Predictions on validation images</h2>");
        html.Append($"<p>Detections with score ≥ {scoreThreshold} (solid, with class and score) over the ground truth (dashed white).</p><div class=\"grid\">");
        html.Append(Drawings(outDir, val, scoreThreshold));
        html.Append("</div></body></html>");
        var path = Path.Combine(outDir, "report.html");
        Torch.Serialization.AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(html.ToString())));
        return path;
    }

    private static readonly string[] Colours = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4", "#469990"];

    private static string Drawings(string outDir, CocoDataset val, double threshold)
    {
        var file = Path.Combine(outDir, SampleFile);
        if (!File.Exists(file)) return "<p>No evaluation yet.</p>";
        var names = val.Categories.ToDictionary(c => c.Id, c => c.Name);
        var byId = val.Images.ToDictionary(i => i.Id);
        var html = new StringBuilder();
        foreach (var node in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
        {
            var imageId = node!["image_id"]!.GetValue<long>();
            var path = node["file"]!.GetValue<string>();
            if (!File.Exists(path) || !byId.TryGetValue(imageId, out var record)) continue;
            RgbImage image;
            try
            {
                var bytes = File.ReadAllBytes(path);
                image = JpegCodec.IsJpeg(bytes) ? JpegCodec.Decode(bytes, path) : PngCodec.Decode(bytes, path);
            }
            catch (ImageDecodeException) { continue; }
            var scale = Math.Max(1.0, 256.0 / Math.Max(image.Width, image.Height));
            var svg = new SvgDrawing(image, scale);
            var stroke = Math.Max(0.6, image.Width / 200.0);
            foreach (var o in record.Objects) svg.Box(o.X, o.Y, o.W, o.H, "white", stroke, dashed: true);
            var shown = 0;
            var detections = node["detections"]!.AsArray().OrderByDescending(d => d!["score"]!.GetValue<double>()).ToList();
            // An undertrained model may score nothing above the threshold: then its three best are drawn, faded.
            var confident = detections.Count(d => d!["score"]!.GetValue<double>() >= threshold);
            var faded = confident == 0;
            foreach (var d in faded ? detections.Take(3) : detections)
            {
                var score = d!["score"]!.GetValue<double>();
                if (!faded && score < threshold) continue;
                var label = d["category_id"]!.GetValue<long>();
                var b = d["bbox"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
                var colour = Colours[(int)(label % Colours.Length)];
                var text = $"{(names.TryGetValue(label, out var n) ? n : label.ToString(CultureInfo.InvariantCulture))} {score:0.00}";
                svg.Box(b[0], b[1], b[2], b[3], colour, stroke * 1.5, opacity: faded ? 0.55 : 1)
                   .Label(b[0] + 1, Math.Max(b[1] - 1, 6), Math.Max(5, image.Width / 28.0), colour, text, outline: true);
                shown++;
            }
            var caption = faded ? $"no detection scores {threshold} or more; the best {shown}, faded" : $"{shown} detections";
            html.Append($"<figure>{svg}<figcaption>image {imageId}: {caption}, {record.Objects.Count} objects</figcaption></figure>");
        }
        return html.ToString();
    }
}
