using System.Runtime.InteropServices;
using Detr.Runtime.Imaging;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Data;

/// <summary>
/// A padded batch: pixels [B, 3, H, W] uint8 (the augmented images, zero padding at the bottom and right);
/// mask [B, H, W] (true = padding); per image the targets (class ids, normalised cxcywh boxes), its id,
/// original size and size after augmentation. Owns its tensors.
/// <para>
/// The images stay 8-bit until they reach the device, where <see cref="ImagesOn"/> normalises the whole
/// batch (as detectron2's and mmdetection's data preprocessors do): the loader writes a quarter of the bytes
/// and a GPU receives a quarter. The reference's images are 8-bit up to its Normalize too (PIL resizes 8-bit
/// images), so the model sees the same floats as from float planes normalised on the host.
/// </para>
/// </summary>
public sealed class Batch : IDisposable
{
    public required Tensor Pixels { get; init; }

    public required Tensor Mask { get; init; }

    public required IReadOnlyList<ImageTargets> Targets { get; init; }

    public required long[] ImageIds { get; init; }

    public required (int H, int W)[] OriginalSizes { get; init; }

    public required (int H, int W)[] Sizes { get; init; }

    /// <summary>Dataset positions of the samples (after bad-image replacement).</summary>
    public required int[] Indices { get; init; }

    public int Count => ImageIds.Length;

    /// <summary>
    /// The model's inputs on <paramref name="device"/>: images [B, 3, H, W] float32 normalised per channel as
    /// (v/255 − mean)/std with ImageNet's mean and std, zero at the padding (as detr's nested tensors), and the
    /// mask [B, H, W]. In the caller's dispose scope.
    /// </summary>
    public (Tensor Images, Tensor Mask) ImagesOn(Device device) =>
        device.Type == DeviceType.Cpu ? (NormalisedOnHost(), Mask.To(device)) : NormalisedWithTorch(device);

    /// <summary>On the CPU: one pass into pooled memory (<see cref="HostNormalisation"/>).</summary>
    internal Tensor NormalisedOnHost()
    {
        var shape = Pixels.Shape;                                                        // [B, 3, H, W]
        var images = TensorBuffers.Empty(shape);
        HostNormalisation.Normalise(Pixels.DataSpan<byte>(), images.DataSpan<float>(), (int)shape[2], (int)shape[3], Sizes, Collate.Scale, Collate.Shift);
        return images;
    }

    /// <summary>On another device (a GPU): the bytes cross, then libtorch normalises there.</summary>
    internal (Tensor Images, Tensor Mask) NormalisedWithTorch(Device device)
    {
        var mask = Mask.To(device);
        // Bytes cross to the device, then become floats there (to(device, dtype) in one call would convert on
        // the host first and send four times the bytes).
        Tensor images;                                                                   // [B, 3, H, W] levels 0..255
        using (var pixels = Pixels.To(device))
            images = pixels.To(DType.Float32);
        using (var scale = Tensor.From(Collate.Scale, 1, 3, 1, 1).To(device))
        using (var shift = Tensor.From(Collate.Shift, 1, 3, 1, 1).To(device))
            images.Mul_(scale).Add_(shift);
        using (var padding = mask.Unsqueeze(1))                                          // [B, 1, H, W]
            images.MaskedFill_(padding, 0);
        return (images, mask);
    }

    public void Dispose()
    {
        Pixels.Dispose();
        Mask.Dispose();
        foreach (var t in Targets)
        {
            t.Labels.Dispose();
            t.Boxes.Dispose();
        }
    }
}

/// <summary>Sample <see cref="Position"/> of a batch could not be decoded when it was rendered (<see cref="JpegSource"/>).</summary>
public sealed class SampleDecodeException(int position, ImageDecodeException inner) : Exception(inner.Message, inner)
{
    public int Position { get; } = position;

    public ImageDecodeException Decode { get; } = inner;
}

/// <summary>Turns transformed samples into a <see cref="Batch"/> (detr util/misc.py nested_tensor_from_tensor_list).</summary>
public static class Collate
{
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>Per channel 1/(255·std) and −mean/std: (v/255 − mean)/std as one multiply and one add.</summary>
    internal static readonly float[] Scale = [.. Std.Select(s => 1f / (255f * s))];
    internal static readonly float[] Shift = [.. Mean.Zip(Std, (m, s) => -m / s)];

    public static Batch Create(IReadOnlyList<DetectionSample> samples, IReadOnlyList<int> indices)
    {
        var b = samples.Count;
        var h = samples.Max(s => s.Image.Height);
        var w = samples.Max(s => s.Image.Width);
        // Rendered straight into uninitialised batch tensors over reused memory (TensorBuffers: no first touch
        // of fresh pages per batch); only the padding is then written (zeros in the images, true in the mask).
        var images = TensorBuffers.Empty([b, 3, h, w], DType.UInt8).DetachFromScope();
        var maskTensor = TensorBuffers.Empty([b, h, w], DType.Bool).DetachFromScope();
        var pixels = images.DataSpan<byte>();
        var mask = maskTensor.DataSpan<bool>();
        for (var i = 0; i < b; i++)
        {
            var image = samples[i].Image;
            var planes = pixels.Slice(i * 3 * h * w, 3 * h * w);
            Pad(planes, MemoryMarshal.AsBytes(mask.Slice(i * h * w, h * w)), image.Width, image.Height, w, h);
            try { image.Render(planes, w, h); }
            catch (ImageDecodeException e)                               // a JPEG corrupt past its header (JpegSource)
            {
                images.Dispose();
                maskTensor.Dispose();
                throw new SampleDecodeException(i, e);
            }
        }
        var targets = samples.Select(s => new ImageTargets(Tensor.From(s.Labels).DetachFromScope(), Tensor.From(Normalise(s), s.Count, 4).DetachFromScope())).ToList();
        return new Batch
        {
            Pixels = images,
            Mask = maskTensor,
            Targets = targets,
            ImageIds = samples.Select(s => s.ImageId).ToArray(),
            OriginalSizes = samples.Select(s => s.OriginalSize).ToArray(),
            Sizes = samples.Select(s => (s.Image.Height, s.Image.Width)).ToArray(),
            Indices = indices.ToArray(),
        };
    }

    /// <summary>
    /// One image's padding in its planes (3 × <paramref name="h"/> × <paramref name="w"/>, zeros right of and below the
    /// <paramref name="width"/> × <paramref name="height"/> image) and its mask (true there, false over the image).
    /// </summary>
    private static unsafe void Pad(Span<byte> planes, Span<byte> mask, int width, int height, int w, int h)
    {
        fixed (byte* p = planes, m = mask)
        {
            var size = h * w;
            if (width < w)
                for (var y = 0; y < height; y++)
                {
                    var row = y * w;
                    RowFill.Fill(m + row, width, 0);
                    RowFill.Fill(m + row + width, w - width, 1);
                    for (var c = 0; c < 3; c++) RowFill.Fill(p + c * size + row + width, w - width, 0);
                }
            else new Span<byte>(m, height * w).Clear();                // no padding at the right: the rows are one run
            new Span<byte>(m + height * w, (h - height) * w).Fill(1);
            for (var c = 0; c < 3; c++) new Span<byte>(p + c * size + height * w, (h - height) * w).Clear();
        }
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
