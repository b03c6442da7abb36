using Detr.Runtime.Imaging;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Data;

/// <summary>
/// A padded batch: images [B, 3, H, W] float32 normalised with ImageNet's mean and std, zero padding at the
/// bottom and right; mask [B, H, W] (true = padding); per image the targets (class ids, normalised cxcywh
/// boxes), its id, original size and size after augmentation. Owns its tensors.
/// </summary>
public sealed class Batch : IDisposable
{
    public required Tensor Images { get; init; }

    public required Tensor Mask { get; init; }

    public required IReadOnlyList<ImageTargets> Targets { get; init; }

    public required long[] ImageIds { get; init; }

    public required (int H, int W)[] OriginalSizes { get; init; }

    public required (int H, int W)[] Sizes { get; init; }

    /// <summary>Dataset positions of the samples (after bad-image replacement).</summary>
    public required int[] Indices { get; init; }

    public int Count => ImageIds.Length;

    public void Dispose()
    {
        Images.Dispose();
        Mask.Dispose();
        foreach (var t in Targets)
        {
            t.Labels.Dispose();
            t.Boxes.Dispose();
        }
    }
}

/// <summary>Turns transformed samples into a <see cref="Batch"/> (detr util/misc.py nested_tensor_from_tensor_list).</summary>
public static class Collate
{
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    public static Batch Create(IReadOnlyList<DetectionSample> samples, IReadOnlyList<int> indices)
    {
        var b = samples.Count;
        var h = samples.Max(s => s.Image.Height);
        var w = samples.Max(s => s.Image.Width);
        // Rendered straight into uninitialised batch tensors over reused memory (TensorBuffers: no first touch
        // of fresh pages per batch); only the padding is then written (zeros in the images, true in the mask).
        var images = TensorBuffers.Empty([b, 3, h, w]).DetachFromScope();
        var maskTensor = TensorBuffers.Empty([b, h, w], DType.Bool).DetachFromScope();
        var pixels = images.DataSpan<float>();
        var mask = maskTensor.DataSpan<bool>();
        for (var i = 0; i < b; i++)
        {
            var image = samples[i].Image;
            var planes = pixels.Slice(i * 3 * h * w, 3 * h * w);
            image.RenderNormalised(planes, w, h, Mean, Std);
            var imageMask = mask.Slice(i * h * w, h * w);
            for (var y = 0; y < image.Height; y++)
            {
                imageMask.Slice(y * w, image.Width).Fill(false);
                imageMask.Slice(y * w + image.Width, w - image.Width).Fill(true);
                for (var c = 0; c < 3; c++) planes.Slice(c * h * w + y * w + image.Width, w - image.Width).Clear();
            }
            imageMask.Slice(image.Height * w).Fill(true);
            for (var c = 0; c < 3; c++) planes.Slice(c * h * w + image.Height * w, (h - image.Height) * w).Clear();
        }
        var targets = samples.Select(s => new ImageTargets(Tensor.From(s.Labels).DetachFromScope(), Tensor.From(Normalise(s), s.Count, 4).DetachFromScope())).ToList();
        return new Batch
        {
            Images = images,
            Mask = maskTensor,
            Targets = targets,
            ImageIds = samples.Select(s => s.ImageId).ToArray(),
            OriginalSizes = samples.Select(s => s.OriginalSize).ToArray(),
            Sizes = samples.Select(s => (s.Image.Height, s.Image.Width)).ToArray(),
            Indices = indices.ToArray(),
        };
    }

    /// <summary>xyxy pixels → normalised (cx, cy, w, h), as detr's Normalize transform.</summary>
    public static float[] Normalise(DetectionSample s)
    {
        var (w, h) = ((float)s.Image.Width, (float)s.Image.Height);
        var result = new float[s.Count * 4];
        for (var i = 0; i < s.Count; i++)
        {
            var (x0, y0, x1, y1) = (s.Boxes[4 * i], s.Boxes[4 * i + 1], s.Boxes[4 * i + 2], s.Boxes[4 * i + 3]);
            result[4 * i] = (x0 + x1) / 2 / w;
            result[4 * i + 1] = (y0 + y1) / 2 / h;
            result[4 * i + 2] = (x1 - x0) / w;
            result[4 * i + 3] = (y1 - y0) / h;
        }
        return result;
    }
}
