using System.Text.Json;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Losses;

/// <summary>
/// `detr assign --case CASE.json`: a case shaped like the <c>inputs</c> of ../shared/fixtures/loss/*.json
/// ({config, outputs {pred_logits, pred_boxes, aux_outputs}, targets}) run through the matcher and
/// criterion it describes; the result has the keys of those cases' <c>expected</c>.
/// </summary>
public static class AssignCase
{
    /// <summary>Reads, validates and runs a case file; errors name the file and the missing field.</summary>
    public static string Run(string path, SolverKind solver = SolverKind.Host)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message})"); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"{path}: no such file"); }
        using (doc)
        {
            var root = doc.RootElement.TryGetProperty("inputs", out var inner) ? inner : doc.RootElement;
            using var scope = DisposeScope.Enter();
            var criterion = Criterion(Field(root, "config", path), solver, path);
            var outputs = Field(root, "outputs", path);
            var final = Set(outputs, "outputs", path);
            var aux = outputs.TryGetProperty("aux_outputs", out var a)
                ? a.EnumerateArray().Select((x, i) => Set(x, $"outputs.aux_outputs[{i}]", path)).ToList()
                : [];
            var targets = Field(root, "targets", path).EnumerateArray().Select((t, i) => Target(t, i, path)).ToList();
            if (targets.Count != final.Batch) throw new InvalidDataException($"{path}: {targets.Count} target lists for a batch of {final.Batch}");
            using var result = criterion.Compute(final, aux, targets);
            return Json(result);
        }
    }

    private static JsonElement Field(JsonElement e, string name, string path) =>
        e.TryGetProperty(name, out var v) ? v : throw new InvalidDataException($"{path}: missing field '{name}'");

    /// <summary>The criterion of a fixture config: matcher {class_cost_type, cost_*}, weight_dict, eos_coef or focal_alpha/gamma.</summary>
    public static SetCriterion Criterion(JsonElement config, SolverKind solver, string path)
    {
        var matcher = Field(config, "matcher", path);
        var focal = Field(matcher, "class_cost_type", path).GetString() == "focal";
        var cost = new MatchCostConfig(focal ? ClassCost.Focal : ClassCost.Softmax,
            Field(matcher, "cost_class", path).GetDouble(), Field(matcher, "cost_bbox", path).GetDouble(), Field(matcher, "cost_giou", path).GetDouble());
        var weights = Field(config, "weight_dict", path);
        var loss = new LossConfig(focal ? ClassLoss.Focal : ClassLoss.Softmax,
            Field(weights, "loss_ce", path).GetDouble(), Field(weights, "loss_bbox", path).GetDouble(), Field(weights, "loss_giou", path).GetDouble(),
            NoObjectWeight: config.TryGetProperty("eos_coef", out var eos) ? eos.GetDouble() : 0.1,
            FocalAlpha: config.TryGetProperty("focal_alpha", out var alpha) ? alpha.GetDouble() : 0.25,
            FocalGamma: config.TryGetProperty("focal_gamma", out var gamma) ? gamma.GetDouble() : 2);
        return new SetCriterion(loss, new HungarianMatcher(cost, solver));
    }

    private static SetPrediction Set(JsonElement e, string where, string path) =>
        new(Floats(Field(e, "pred_logits", path), $"{where}.pred_logits", path, 3), Floats(Field(e, "pred_boxes", path), $"{where}.pred_boxes", path, 3));

    private static ImageTargets Target(JsonElement t, int index, string path)
    {
        var labels = Field(t, "labels", path).EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var boxes = Floats(Field(t, "boxes", path), $"targets[{index}].boxes", path, 2, emptyShape: [0, 4]);
        if (boxes.Size(0) != labels.Length) throw new InvalidDataException($"{path}: targets[{index}] has {labels.Length} labels but {boxes.Size(0)} boxes");
        return new ImageTargets(Tensor.From(labels), boxes);
    }

    /// <summary>A float32 tensor from a nested JSON array of the given rank.</summary>
    private static Tensor Floats(JsonElement e, string where, string path, int rank, long[]? emptyShape = null)
    {
        var shape = new List<long>();
        var probe = e;
        for (var d = 0; d < rank; d++)
        {
            if (probe.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{path}: {where} must be a {rank}-d array");
            shape.Add(probe.GetArrayLength());
            if (probe.GetArrayLength() == 0) break;
            probe = probe[0];
        }
        var values = new List<float>();
        void Collect(JsonElement x, int depth)
        {
            if (depth == rank)
            {
                // JSON has no NaN or infinity: accept the strings "NaN", "Infinity", "-Infinity" for them.
                if (x.ValueKind == JsonValueKind.Number) values.Add((float)x.GetDouble());
                else if (x.ValueKind == JsonValueKind.String && x.GetString() is "NaN" or "Infinity" or "-Infinity")
                    values.Add(float.Parse(x.GetString()!, System.Globalization.CultureInfo.InvariantCulture));
                else throw new InvalidDataException($"{path}: {where} holds a non-number");
                return;
            }
            foreach (var item in x.EnumerateArray()) Collect(item, depth + 1);
        }
        Collect(e, 0);
        var dims = values.Count == 0 && emptyShape != null ? emptyShape : shape.ToArray();
        if (dims.Aggregate(1L, (p, s) => p * s) != values.Count) throw new InvalidDataException($"{path}: {where} is ragged");
        return Tensor.From(values.ToArray(), dims);
    }

    private static string Json(LossResult result)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("indices");
            foreach (var (layer, matches) in result.Indices)
            {
                w.WriteStartArray(layer);
                foreach (var m in matches)
                {
                    w.WriteStartObject();
                    w.WriteStartArray("pred_idx");
                    foreach (var p in m.PredIdx) w.WriteNumberValue(p);
                    w.WriteEndArray();
                    w.WriteStartArray("tgt_idx");
                    foreach (var t in m.TgtIdx) w.WriteNumberValue(t);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteStartObject("losses");
            foreach (var (name, value) in result.Terms) w.WriteNumber(name, value.Item());
            w.WriteEndObject();
            w.WriteNumber("weighted_total", result.WeightedTotal.Item());
            w.WriteNumber("num_boxes", result.NumBoxes);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
