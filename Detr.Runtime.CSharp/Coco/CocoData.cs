namespace Detr.Runtime.Coco;

/// <summary>A ground-truth annotation as evaluation needs it (bbox [x, y, w, h] in pixels).</summary>
public readonly record struct CocoAnnotation(long Id, long ImageId, long CategoryId, double X, double Y, double W, double H,
                                             double Area, bool IsCrowd);

/// <summary>A detection (results-file record); Id is assigned 1..N in list order, as pycocotools' loadRes.</summary>
public readonly record struct CocoDetection(long Id, long ImageId, long CategoryId, double X, double Y, double W, double H, double Score)
{
    /// <summary>loadRes sets a detection's area to w·h.</summary>
    public double Area => W * H;
}

public sealed record CocoCategory(long Id, string Name);

/// <summary>Ground truth: images, categories (both sorted by id) and annotations in file order.</summary>
public sealed class CocoGroundTruth(IReadOnlyList<long> imageIds, IReadOnlyList<CocoCategory> categories, IReadOnlyList<CocoAnnotation> annotations)
{
    /// <summary>Image ids, ascending (pycocotools evaluates them in this order).</summary>
    public IReadOnlyList<long> ImageIds { get; } = imageIds.Distinct().Order().ToArray();

    /// <summary>Categories by ascending id.</summary>
    public IReadOnlyList<CocoCategory> Categories { get; } = categories.DistinctBy(c => c.Id).OrderBy(c => c.Id).ToArray();

    public IReadOnlyList<CocoAnnotation> Annotations { get; } = annotations;

    private readonly HashSet<long> imageSet = [.. imageIds];

    public bool HasImage(long id) => imageSet.Contains(id);
}

/// <summary>Malformed evaluation input: names the file and the record.</summary>
public sealed class CocoFormatException(string message) : Exception(message);
