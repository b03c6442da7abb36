using System.Text;
using System.Text.Json;

namespace Detr.Runtime.Coco;

/// <summary>
/// Streaming readers (Utf8JsonReader, no DOM) for COCO ground truth and results files; tens of MB parse in
/// a fraction of a second. Fields not needed for bbox evaluation (segmentation, info ...) are skipped.
/// Every error names the source and the record index.
/// </summary>
public static class CocoJson
{
    public static CocoGroundTruth ReadGroundTruth(string path) => ReadGroundTruth(ReadFile(path), path);

    public static IReadOnlyList<CocoDetection> ReadResults(string path, CocoGroundTruth gt) => ReadResults(ReadFile(path), path, gt);

    private static byte[] ReadFile(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new CocoFormatException($"{path}: no such file"); }
    }

    public static CocoGroundTruth ReadGroundTruth(ReadOnlySpan<byte> json, string source)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var images = new List<long>();
        var categories = new List<CocoCategory>();
        var annotations = new List<CocoAnnotation>();
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, source, "the ground truth must be a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var section = reader.GetString();
                reader.Read();
                switch (section)
                {
                    case "images": ReadArray(ref reader, source, "images", (ref Utf8JsonReader r, int i) => images.Add(ReadImage(ref r, source, i))); break;
                    case "annotations": ReadArray(ref reader, source, "annotations", (ref Utf8JsonReader r, int i) => annotations.Add(ReadAnnotation(ref r, source, i))); break;
                    case "categories": ReadArray(ref reader, source, "categories", (ref Utf8JsonReader r, int i) => categories.Add(ReadCategory(ref r, source, i))); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (JsonException e) { throw new CocoFormatException($"{source}: invalid JSON at line {e.LineNumber + 1} ({e.Message})"); }
        if (images.Count == 0) throw new CocoFormatException($"{source}: no images (is this a COCO ground truth file?)");
        return new CocoGroundTruth(images, categories, annotations);
    }

    /// <summary>A results list; image ids must be in the ground truth (pycocotools asserts the same).</summary>
    public static IReadOnlyList<CocoDetection> ReadResults(ReadOnlySpan<byte> json, string source, CocoGroundTruth gt)
    {
        var reader = new Utf8JsonReader(json);
        var detections = new List<CocoDetection>();
        try
        {
            Expect(ref reader, JsonTokenType.StartArray, source, "results must be a JSON list of {image_id, category_id, bbox, score}");
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var d = ReadDetection(ref reader, source, index);
                if (!gt.HasImage(d.ImageId)) throw Error(source, "result", index, $"image_id {d.ImageId} is not in the ground truth");
                detections.Add(d);
                index++;
            }
        }
        catch (JsonException e) { throw new CocoFormatException($"{source}: invalid JSON at line {e.LineNumber + 1} ({e.Message})"); }
        return detections;
    }

    private delegate void ItemReader(ref Utf8JsonReader reader, int index);

    private static void ReadArray(ref Utf8JsonReader reader, string source, string what, ItemReader item)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new CocoFormatException($"{source}: '{what}' must be a list");
        var i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) item(ref reader, i++);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string source, string message)
    {
        if (!reader.Read() || reader.TokenType != token) throw new CocoFormatException($"{source}: {message}");
    }

    private static CocoFormatException Error(string source, string kind, int index, string message) =>
        new($"{source}: {kind} {index}: {message}");

    private static long ReadImage(ref Utf8JsonReader r, string source, int index)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw Error(source, "image", index, "not an object");
        long? id = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("id"u8)) id = Long(ref r, source, "image", index, "id");
            else r.Skip();
        }
        return id ?? throw Error(source, "image", index, "missing field 'id'");
    }

    private static CocoCategory ReadCategory(ref Utf8JsonReader r, string source, int index)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw Error(source, "category", index, "not an object");
        long? id = null;
        var name = "";
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var field = r.ValueSpan;
            r.Read();
            if (field.SequenceEqual("id"u8)) id = Long(ref r, source, "category", index, "id");
            else if (field.SequenceEqual("name"u8) && r.TokenType == JsonTokenType.String) name = r.GetString() ?? "";
            else r.Skip();
        }
        return new CocoCategory(id ?? throw Error(source, "category", index, "missing field 'id'"), name);
    }

    private static CocoAnnotation ReadAnnotation(ref Utf8JsonReader r, string source, int index)
    {
        const string kind = "annotation";
        if (r.TokenType != JsonTokenType.StartObject) throw Error(source, kind, index, "not an object");
        long? id = null, image = null, category = null;
        double? area = null;
        double[]? box = null;
        var crowd = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var field = r.ValueSpan;
            r.Read();
            if (field.SequenceEqual("id"u8)) id = Long(ref r, source, kind, index, "id");
            else if (field.SequenceEqual("image_id"u8)) image = Long(ref r, source, kind, index, "image_id");
            else if (field.SequenceEqual("category_id"u8)) category = Long(ref r, source, kind, index, "category_id");
            else if (field.SequenceEqual("bbox"u8)) box = Box(ref r, source, kind, index);
            else if (field.SequenceEqual("area"u8)) area = Number(ref r, source, kind, index, "area");
            else if (field.SequenceEqual("iscrowd"u8)) crowd = r.TokenType == JsonTokenType.True || (r.TokenType == JsonTokenType.Number && r.GetDouble() != 0);
            else r.Skip(); // segmentation, ignore (pycocotools overwrites 'ignore' with iscrowd) ...
        }
        if (box == null) throw Error(source, kind, index, "missing field 'bbox'");
        return new CocoAnnotation(id ?? throw Error(source, kind, index, "missing field 'id'"),
            image ?? throw Error(source, kind, index, "missing field 'image_id'"),
            category ?? throw Error(source, kind, index, "missing field 'category_id'"),
            box[0], box[1], box[2], box[3], area ?? throw Error(source, kind, index, "missing field 'area'"), crowd);
    }

    private static CocoDetection ReadDetection(ref Utf8JsonReader r, string source, int index)
    {
        const string kind = "result";
        if (r.TokenType != JsonTokenType.StartObject) throw Error(source, kind, index, "not an object");
        long? image = null, category = null;
        double? score = null;
        double[]? box = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var field = r.ValueSpan;
            r.Read();
            if (field.SequenceEqual("image_id"u8)) image = Long(ref r, source, kind, index, "image_id");
            else if (field.SequenceEqual("category_id"u8)) category = Long(ref r, source, kind, index, "category_id");
            else if (field.SequenceEqual("bbox"u8)) box = Box(ref r, source, kind, index);
            else if (field.SequenceEqual("score"u8)) score = Number(ref r, source, kind, index, "score");
            else r.Skip();
        }
        if (box == null) throw Error(source, kind, index, "missing field 'bbox'");
        var s = score ?? throw Error(source, kind, index, "missing field 'score'");
        if (!double.IsFinite(s)) throw Error(source, kind, index, $"score {s} is not finite");
        return new CocoDetection(index + 1L, image ?? throw Error(source, kind, index, "missing field 'image_id'"),
            category ?? throw Error(source, kind, index, "missing field 'category_id'"), box[0], box[1], box[2], box[3], s);
    }

    private static long Long(ref Utf8JsonReader r, string source, string kind, int index, string field)
    {
        if (r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var v)) return v;
        if (r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var d) && d == Math.Floor(d)) return (long)d;
        throw Error(source, kind, index, $"'{field}' must be an integer");
    }

    private static double Number(ref Utf8JsonReader r, string source, string kind, int index, string field)
    {
        if (r.TokenType == JsonTokenType.Number) return r.GetDouble();
        if (r.TokenType == JsonTokenType.String && r.GetString() is { } text && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var v))
            return v; // "NaN"/"Infinity" as strings: caught by the finiteness checks
        throw Error(source, kind, index, $"'{field}' must be a number");
    }

    private static double[] Box(ref Utf8JsonReader r, string source, string kind, int index)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw Error(source, kind, index, "'bbox' must be a list [x, y, w, h]");
        var values = new double[4];
        var n = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (n < 4) values[n] = Number(ref r, source, kind, index, "bbox");
            n++;
        }
        if (n != 4) throw Error(source, kind, index, $"'bbox' has {n} values, expected [x, y, w, h]");
        if (!values.All(double.IsFinite)) throw Error(source, kind, index, "'bbox' holds a non-finite value");
        if (values[2] < 0 || values[3] < 0) throw Error(source, kind, index, $"'bbox' has a negative {(values[2] < 0 ? "width" : "height")} ({string.Join(", ", values)})");
        return values;
    }

    /// <summary>Writes detections as a COCO results list (for `detr predict` and the benchmark).</summary>
    public static byte[] WriteResults(IEnumerable<CocoDetection> detections)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            foreach (var d in detections)
            {
                w.WriteStartObject();
                w.WriteNumber("image_id", d.ImageId);
                w.WriteNumber("category_id", d.CategoryId);
                w.WriteStartArray("bbox");
                w.WriteNumberValue(d.X); w.WriteNumberValue(d.Y); w.WriteNumberValue(d.W); w.WriteNumberValue(d.H);
                w.WriteEndArray();
                w.WriteNumber("score", d.Score);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return stream.ToArray();
    }

    internal static readonly Encoding Utf8 = new UTF8Encoding(false);
}
