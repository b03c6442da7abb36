using System.Text.Json;
using Detr.Runtime.Imaging;

namespace Detr.Runtime.Data;

/// <summary>An image record of a COCO-format annotation file with its annotations.</summary>
public sealed record CocoImageRecord(long Id, string FileName, int Width, int Height, List<CocoObject> Objects);

/// <summary>One annotation: bbox [x, y, w, h] in pixels, category id as given, crowd flag, area, id.</summary>
public sealed record CocoObject(long Id, long CategoryId, float X, float Y, float W, float H, bool IsCrowd, float Area);

/// <summary>
/// A dataset in COCO's layout: an annotation file (images, annotations, categories) and a folder of images.
/// Category ids are kept as given (COCO's 1..90 with gaps; a spec's <c>classes</c> is max id + 1). Crowd
/// annotations are kept (for evaluation) but not returned as training targets, and boxes are clipped to the
/// image and degenerate ones dropped, as detr's ConvertCocoPolysToMask does.
/// </summary>
public sealed class CocoDataset
{
    public CocoDataset(string annotationFile, string imageFolder)
    {
        AnnotationFile = annotationFile;
        ImageFolder = imageFolder;
        if (!File.Exists(annotationFile)) throw new FileNotFoundException($"{annotationFile}: annotation file not found");
        using var doc = ParseJson(annotationFile);
        var root = doc.RootElement;
        var images = new List<CocoImageRecord>();
        var byId = new Dictionary<long, CocoImageRecord>();
        var index = 0;
        foreach (var img in Array(root, "images"))
        {
            var id = Long(img, "id", "image", index);
            var record = new CocoImageRecord(id, Text(img, "file_name", "image", index), (int)Long(img, "width", "image", index), (int)Long(img, "height", "image", index), []);
            if (!byId.TryAdd(id, record)) throw Bad($"image {index}: duplicate image id {id}");
            images.Add(record);
            index++;
        }
        Categories = Array(root, "categories").Select((c, i) => (Long(c, "id", "category", i), c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "")).ToList();
        index = 0;
        foreach (var ann in Array(root, "annotations"))
        {
            var imageId = Long(ann, "image_id", "annotation", index);
            if (!byId.TryGetValue(imageId, out var image)) throw Bad($"annotation {index}: image_id {imageId} is not among the images");
            var bbox = ann.TryGetProperty("bbox", out var b) && b.ValueKind == JsonValueKind.Array && b.GetArrayLength() == 4
                ? b.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()
                : throw Bad($"annotation {index}: missing or malformed 'bbox'");
            var crowd = ann.TryGetProperty("iscrowd", out var c) && c.ValueKind == JsonValueKind.Number && c.GetInt32() != 0;
            var area = ann.TryGetProperty("area", out var a) && a.ValueKind == JsonValueKind.Number ? (float)a.GetDouble() : bbox[2] * bbox[3];
            var id = ann.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt64() : index + 1;
            image.Objects.Add(new CocoObject(id, Long(ann, "category_id", "annotation", index), bbox[0], bbox[1], bbox[2], bbox[3], crowd, area));
            index++;
        }
        Images = images;
    }

    private CocoDataset(string annotationFile, string imageFolder, IReadOnlyList<CocoImageRecord> images, IReadOnlyList<(long Id, string Name)> categories) =>
        (AnnotationFile, ImageFolder, Images, Categories) = (annotationFile, imageFolder, images, categories);

    /// <summary>The dataset cut to its first <paramref name="count"/> images (all of them when it has fewer), categories unchanged.</summary>
    public CocoDataset FirstImages(int count) =>
        count >= Count ? this : new(AnnotationFile, ImageFolder, Images.Take(Math.Max(0, count)).ToList(), Categories);

    public string AnnotationFile { get; }

    public string ImageFolder { get; }

    public IReadOnlyList<CocoImageRecord> Images { get; }

    public IReadOnlyList<(long Id, string Name)> Categories { get; }

    public int Count => Images.Count;

    /// <summary>Number of class ids a head needs: the largest category id + 1.</summary>
    public int Classes => Categories.Count == 0 ? 0 : (int)Categories.Max(c => c.Id) + 1;

    public string ImagePath(int index) => Path.Combine(ImageFolder, Images[index].FileName);

    /// <summary>
    /// Decodes image <paramref name="index"/> with its training targets (crowd dropped, boxes clipped, degenerate
    /// removed). <paramref name="pooled"/>: a JPEG's bytes are rented, and the caller releases them
    /// (<see cref="JpegSource.Release"/>) once the sample is rendered.
    /// </summary>
    public DetectionSample Load(int index, bool fastDct = false, bool pooled = false)
    {
        var record = Images[index];
        var image = ImageFile.ReadForModel(ImagePath(index), fastDct, pooled);
        // Arrays for every object, cut to the ones kept only when some were dropped (crowd, clipped to nothing):
        // no Lists, one pass, no copy in the usual case; the loader loads thousands of images a second.
        var objects = record.Objects.Count;
        var (boxes, labels, areas) = (new float[4 * objects], new long[objects], new float[objects]);
        var k = 0;
        foreach (var o in record.Objects)
            if (Clipped(o, image) is var (x0, y0, x1, y1))
            {
                (boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]) = (x0, y0, x1, y1);
                labels[k] = o.CategoryId;
                areas[k++] = o.Area;
            }
        if (k < objects)
        {
            System.Array.Resize(ref boxes, 4 * k);
            System.Array.Resize(ref labels, k);
            System.Array.Resize(ref areas, k);
        }
        return new DetectionSample(ImageView.Of(image), boxes, labels, areas, record.Id, (image.Height, image.Width));
    }

    /// <summary>A training target's box clipped to its image (xyxy), or null for a crowd region or a box clipped to nothing.</summary>
    private static (float X0, float Y0, float X1, float Y1)? Clipped(CocoObject o, DecodedImage image)
    {
        if (o.IsCrowd) return null;
        var x0 = Math.Clamp(o.X, 0, image.Width);
        var y0 = Math.Clamp(o.Y, 0, image.Height);
        var x1 = Math.Clamp(o.X + o.W, 0, image.Width);
        var y1 = Math.Clamp(o.Y + o.H, 0, image.Height);
        return x1 > x0 && y1 > y0 ? (x0, y0, x1, y1) : null;
    }

    /// <summary>
    /// COCO's own folder layout: annotations/instances_{split}2017.json and {split}2017/. Other names can be
    /// given explicitly.
    /// </summary>
    public static CocoDataset FromLayout(string root, string split, string? annotationFile = null, string? imageFolder = null) =>
        new(annotationFile ?? Path.Combine(root, "annotations", $"instances_{split}2017.json"), imageFolder ?? Path.Combine(root, $"{split}2017"));

    private JsonDocument ParseJson(string path)
    {
        try { return JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e) { throw Bad($"invalid JSON at line {e.LineNumber + 1} ({e.Message})"); }
    }

    private InvalidDataException Bad(string message) => new($"{AnnotationFile}: {message}");

    private IEnumerable<JsonElement> Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : throw Bad($"missing list '{name}'");

    private long Long(JsonElement e, string field, string kind, int index) =>
        e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : throw Bad($"{kind} {index}: missing or non-numeric '{field}'");

    private string Text(JsonElement e, string field, string kind, int index) =>
        e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad($"{kind} {index}: missing '{field}'");
}
