using Detr.Runtime.Imaging;

namespace Detr.Runtime.Data;

/// <summary>
/// One image (a view of the decoded pixels, see <see cref="ImageView"/>) with its training targets as the
/// transforms see them: boxes in absolute xyxy pixels of the
/// current image (row k = [x0, y0, x1, y1]), class ids, and the annotation areas (scaled with the image).
/// </summary>
public sealed record DetectionSample(ImageView Image, float[] Boxes, long[] Labels, float[] Areas, long ImageId, (int H, int W) OriginalSize)
{
    public int Count => Labels.Length;

    /// <summary>The same targets with a new image and boxes, keeping only the rows in <paramref name="keep"/>.</summary>
    public DetectionSample With(ImageView image, float[] boxes, float[] areas, bool[]? keep = null)
    {
        if (keep == null) return this with { Image = image, Boxes = boxes, Areas = areas };
        var kept = 0;
        foreach (var k in keep) if (k) kept++;
        var (keptBoxes, keptLabels, keptAreas) = (new float[4 * kept], new long[kept], new float[kept]);
        for (int i = 0, j = 0; i < Count; i++)
        {
            if (!keep[i]) continue;
            boxes.AsSpan(4 * i, 4).CopyTo(keptBoxes.AsSpan(4 * j, 4));
            keptLabels[j] = Labels[i];
            keptAreas[j++] = areas[i];
        }
        return this with { Image = image, Boxes = keptBoxes, Labels = keptLabels, Areas = keptAreas };
    }
}
