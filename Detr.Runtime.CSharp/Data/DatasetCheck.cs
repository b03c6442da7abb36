using System.Collections.Concurrent;
using System.Text.Json;
using Detr.Runtime.Imaging;

namespace Detr.Runtime.Data;

/// <summary>One finding of `detr data check`.</summary>
public sealed record CheckFinding(bool IsError, string Message);

/// <summary>
/// Validates a dataset in COCO's layout: every image file exists and decodes at its declared size; boxes
/// have positive width and height and lie inside their image; category ids are declared; image and
/// annotation ids are unique. Images without annotations are reported as warnings, with per-category counts.
/// </summary>
public static class DatasetCheck
{
    public sealed record Report(string Split, IReadOnlyList<CheckFinding> Findings, int Images, int Annotations, IReadOnlyList<(long Id, string Name, int Count)> PerCategory)
    {
        public int Errors => Findings.Count(f => f.IsError);
    }

    /// <summary>Checks each split present in the layout (train, val).</summary>
    public static List<Report> CheckLayout(string root, int threads = 0)
    {
        var reports = new List<Report>();
        foreach (var split in new[] { "train", "val" })
        {
            var annotations = Path.Combine(root, "annotations", $"instances_{split}2017.json");
            if (File.Exists(annotations)) reports.Add(Check(annotations, Path.Combine(root, $"{split}2017"), split, threads));
        }
        if (reports.Count == 0)
            reports.Add(new Report("-", [new CheckFinding(true, $"{root}: no annotations/instances_train2017.json or instances_val2017.json (COCO layout expected)")], 0, 0, []));
        return reports;
    }

    public static Report Check(string annotationFile, string imageFolder, string split, int threads = 0)
    {
        var findings = new List<CheckFinding>();
        void Error(string m) => findings.Add(new CheckFinding(true, m));
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(annotationFile)); }
        catch (JsonException e) { return new Report(split, [new CheckFinding(true, $"{annotationFile}: invalid JSON at line {e.LineNumber + 1}")], 0, 0, []); }
        using (doc)
        {
            var root = doc.RootElement;
            var categories = new Dictionary<long, string>();
            foreach (var c in Items(root, "categories"))
            {
                var id = c.TryGetProperty("id", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : long.MinValue;
                if (!categories.TryAdd(id, c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "")) Error($"{annotationFile}: duplicate category id {id}");
            }
            var images = new Dictionary<long, (string File, int W, int H)>();
            var index = 0;
            foreach (var img in Items(root, "images"))
            {
                if (!img.TryGetProperty("id", out var idElement) || !img.TryGetProperty("file_name", out var fileElement))
                    Error($"{annotationFile}: image {index}: missing 'id' or 'file_name'");
                else if (!images.TryAdd(idElement.GetInt64(), (fileElement.GetString() ?? "", Int(img, "width"), Int(img, "height"))))
                    Error($"{annotationFile}: image {index}: duplicate image id {idElement.GetInt64()}");
                index++;
            }
            var annotated = new HashSet<long>();
            var counts = new Dictionary<long, int>();
            var annotationIds = new HashSet<long>();
            index = 0;
            foreach (var ann in Items(root, "annotations"))
            {
                var where = $"annotation {index}" + (ann.TryGetProperty("id", out var aid) ? $" (id {aid})" : "");
                if (ann.TryGetProperty("id", out var idValue) && !annotationIds.Add(idValue.GetInt64())) Error($"{annotationFile}: {where}: duplicate annotation id");
                var imageId = ann.TryGetProperty("image_id", out var im) ? im.GetInt64() : long.MinValue;
                var category = ann.TryGetProperty("category_id", out var cat) ? cat.GetInt64() : long.MinValue;
                if (!images.TryGetValue(imageId, out var image)) Error($"{annotationFile}: {where}: image_id {imageId} is not among the images");
                if (!categories.ContainsKey(category)) Error($"{annotationFile}: {where}: unknown category id {category}");
                else counts[category] = counts.GetValueOrDefault(category) + 1;
                annotated.Add(imageId);
                if (!ann.TryGetProperty("bbox", out var bbox) || bbox.GetArrayLength() != 4) { Error($"{annotationFile}: {where}: missing or malformed bbox"); index++; continue; }
                var b = bbox.EnumerateArray().Select(x => x.GetDouble()).ToArray();
                if (b[2] <= 0 || b[3] <= 0) Error($"{annotationFile}: {where}: box [{string.Join(", ", b)}] has {(b[2] <= 0 ? "non-positive width" : "non-positive height")}");
                else if (image.File != null && (b[0] < 0 || b[1] < 0 || b[0] + b[2] > image.W + 0.5 || b[1] + b[3] > image.H + 0.5))
                    Error($"{annotationFile}: {where}: box [{string.Join(", ", b)}] lies outside its {image.W}x{image.H} image");
                index++;
            }

            // Images: decoded in parallel, each problem reported once.
            var problems = new ConcurrentBag<(long Id, string Message)>();
            Parallel.ForEach(images, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, kv =>
            {
                var path = Path.Combine(imageFolder, kv.Value.File);
                try
                {
                    var decoded = ImageFile.Read(path);
                    if (kv.Value.W > 0 && (decoded.Width != kv.Value.W || decoded.Height != kv.Value.H))
                        problems.Add((kv.Key, $"{path}: image is {decoded.Width}x{decoded.Height}, annotations say {kv.Value.W}x{kv.Value.H}"));
                }
                catch (ImageDecodeException e) { problems.Add((kv.Key, e.Message)); }
            });
            foreach (var (_, message) in problems.OrderBy(p => p.Id)) Error(message);
            var unannotated = images.Keys.Where(id => !annotated.Contains(id)).Order().ToList();
            if (unannotated.Count > 0)
                findings.Add(new CheckFinding(false, $"{unannotated.Count} image(s) without annotations (e.g. id {string.Join(", ", unannotated.Take(5))})"));
            var perCategory = categories.OrderBy(c => c.Key).Select(c => (c.Key, c.Value, counts.GetValueOrDefault(c.Key))).ToList();
            return new Report(split, findings, images.Count, index, perCategory);
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement root, string name) =>
        root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}
