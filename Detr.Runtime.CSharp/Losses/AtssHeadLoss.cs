using Detr.Runtime.Boxes;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Losses;

/// <summary>
/// One feature level of an auxiliary dense head in training: class logits [B, K, h, w], box deltas [B, 4, h, w]
/// and centerness logits [B, 1, h, w], on a grid of <see cref="Stride"/> input pixels.
/// </summary>
public sealed record DenseLevel(Tensor ClassLogits, Tensor BoxDeltas, Tensor Centerness, int Stride);

/// <summary>
/// An ATSS auxiliary head's assignment and weights: <see cref="TopK"/> candidates per level, square anchors of
/// <see cref="AnchorScale"/> strides, and each term's weight (Co-DETR: 1, 2, 1, each × decoder layers × λ2).
/// </summary>
public sealed record AtssHeadLossConfig(int TopK, double AnchorScale, double ClassWeight, double BoxWeight, double CenternessWeight,
                                        double FocalAlpha = 0.25, double FocalGamma = 2);

/// <summary>
/// The loss of Co-DETR's auxiliary ATSS head (Sense-X/Co-DETR projects/models/co_atss_head.py, over mmdet 2.x's
/// ATSSHead, AnchorGenerator, DeltaXYWHBBoxCoder and ATSSAssigner) on one level:
/// <list type="bullet">
/// <item>anchors: one per location, square, <c>AnchorScale × stride</c> wide, centred on (j·stride, i·stride)
/// (mmdet's center_offset 0); only those within the image's own (unpadded) extent are valid, the rest are
/// neither positive nor negative (mmdet's valid flags; allowed_border −1);</item>
/// <item>assignment: <see cref="AtssAssigner"/> on the valid anchors against the image's boxes in pixels;</item>
/// <item><c>_cls</c>: sigmoid focal loss (α 0.25, γ 2) summed over every valid anchor and class, over
/// num_pos = Σ_images max(positives, 1) (mmdet counts at least one per image);</item>
/// <item><c>_bbox</c>: the positives' deltas decoded against their anchors (stds 0.1, 0.1, 0.2, 0.2; log-size
/// deltas clamped at |log(16/1000)|), 1 − GIoU with their targets weighted by the centerness targets, over the
/// sum of those weights (at least 1);</item>
/// <item><c>_centerness</c>: binary cross-entropy of the positives' centerness logits against
/// sqrt(min(l, r)/max(l, r) · min(t, b)/max(t, b)) of the anchor centre in its target, over num_pos.</item>
/// </list>
/// mmdet's GIoU guards union and enclosing area with eps 1e-6; decoded boxes have positive size, so none is
/// needed here.
/// </summary>
public sealed class AtssHeadLoss(AtssHeadLossConfig config, string prefix)
{
    private static readonly double MaxLogRatio = Math.Abs(Math.Log(16.0 / 1000));

    public AtssHeadLossConfig Config { get; } = config;

    /// <summary>The terms this head adds, with their weights.</summary>
    public IReadOnlyDictionary<string, double> Weights { get; } = new Dictionary<string, double>
    {
        [prefix + "_cls"] = config.ClassWeight,
        [prefix + "_bbox"] = config.BoxWeight,
        [prefix + "_centerness"] = config.CenternessWeight,
    };

    /// <summary>Adds the three terms of <paramref name="level"/> against the targets (normalised cxcywh of each image's <paramref name="sizes"/>).</summary>
    public void AddTo(LossResult result, DenseLevel level, IReadOnlyList<ImageTargets> targets, IReadOnlyList<(int H, int W)> sizes)
    {
        var (batch, classes, h, w) = (level.ClassLogits.Size(0), level.ClassLogits.Size(1), (int)level.ClassLogits.Size(2), (int)level.ClassLogits.Size(3));
        if (targets.Count != batch || sizes.Count != batch)
            throw new ArgumentException($"{batch} images of dense predictions, but {targets.Count} target sets and {sizes.Count} sizes");
        var n = h * w;
        var anchors = Anchors(h, w, level.Stride, Config.AnchorScale);                   // [n * 4] xyxy
        var onehot = new float[batch * n * classes];                                     // [B, n, K]
        var valid = new float[batch * n];                                                // [B, n]
        var positives = new List<(long Flat, float[] Anchor, float[] Target, float Centerness)>();
        double numPos = 0;
        for (var b = 0; b < batch; b++)
        {
            var validIdx = ValidAnchors(h, w, level.Stride, sizes[b]);
            foreach (var a in validIdx) valid[b * n + a] = 1;
            var (labels, boxes) = PixelTargets(targets[b], sizes[b]);
            var assigned = Assign(anchors, validIdx, boxes);
            var count = 0;
            for (var v = 0; v < validIdx.Length; v++)
            {
                var t = assigned[v];
                if (t < 0) continue;
                var a = validIdx[v];
                var label = labels[t];
                if (label < 0 || label >= classes)
                    throw new ArgumentException($"image {b}: label {label} outside the head's {classes} classes");
                onehot[(b * n + a) * classes + label] = 1;
                var anchor = anchors.AsSpan(4 * a, 4).ToArray();
                var target = boxes.AsSpan(4 * t, 4).ToArray();
                positives.Add((b * n + a, anchor, target, CenternessTarget(anchor, target)));
                count++;
            }
            numPos += Math.Max(count, 1);
        }

        var device = level.ClassLogits.Device;
        var dtype = level.ClassLogits.DType;
        var logits = level.ClassLogits.Permute(0, 2, 3, 1).Reshape(batch, n, classes);   // [B, n, K]
        var targetClasses = Tensor.From(onehot, batch, n, classes).To(device, dtype);
        var weights = Tensor.From(valid, batch, n, 1).To(device, dtype);
        var focal = SigmoidFocalLoss.Elementwise(logits, targetClasses, Config.FocalAlpha, Config.FocalGamma);
        var positivesNormaliser = new Normaliser(numPos);
        result.Add(prefix + "_cls", (focal * weights).Sum() / numPos, positivesNormaliser);

        var deltas = level.BoxDeltas.Permute(0, 2, 3, 1).Reshape(batch * n, 4);          // [B·n, 4]
        var centerness = level.Centerness.Permute(0, 2, 3, 1).Reshape(batch * n);        // [B·n]
        if (positives.Count == 0)
        {
            result.Add(prefix + "_bbox", deltas.Sum() * 0, new Normaliser(0, 1));
            result.Add(prefix + "_centerness", centerness.Sum() * 0, positivesNormaliser);
            return;
        }
        var index = Tensor.From(positives.Select(p => p.Flat).ToArray()).To(device);
        var anchorBoxes = Tensor.From(positives.SelectMany(p => p.Anchor).ToArray(), positives.Count, 4).To(device, dtype);   // [P, 4]
        var targetBoxes = Tensor.From(positives.SelectMany(p => p.Target).ToArray(), positives.Count, 4).To(device, dtype);   // [P, 4]
        var centernessTargets = Tensor.From(positives.Select(p => p.Centerness).ToArray()).To(device, dtype);                // [P]
        var decoded = Decode(anchorBoxes, deltas.IndexSelect(0, index));                 // [P, 4] xyxy pixels
        var giou = BoxOps.ElementwiseGiou(decoded, targetBoxes);                         // [P]
        var weightSum = new Normaliser(positives.Sum(p => (double)p.Centerness), 1);
        result.Add(prefix + "_bbox", (centernessTargets * (1 - giou)).Sum() / weightSum.Value, weightSum);
        var bce = Functional.BinaryCrossEntropyWithLogits(centerness.IndexSelect(0, index), centernessTargets, reduction: Reduction.None);
        result.Add(prefix + "_centerness", bce.Sum() / numPos, positivesNormaliser);
    }

    /// <summary>[h·w·4] xyxy anchors, row-major over the grid: centres (j·stride, i·stride), side scale·stride.</summary>
    internal static float[] Anchors(int h, int w, int stride, double scale)
    {
        var half = (float)(scale * stride / 2);
        var anchors = new float[h * w * 4];
        for (var i = 0; i < h; i++)
            for (var j = 0; j < w; j++)
            {
                var (cx, cy, a) = ((float)(j * stride), (float)(i * stride), 4 * (i * w + j));
                (anchors[a], anchors[a + 1], anchors[a + 2], anchors[a + 3]) = (cx - half, cy - half, cx + half, cy + half);
            }
        return anchors;
    }

    /// <summary>The anchors whose grid cell lies in the image's own extent: the first ceil(H/stride) rows and ceil(W/stride) columns (mmdet's valid_flags).</summary>
    internal static int[] ValidAnchors(int h, int w, int stride, (int H, int W) size)
    {
        var (rows, columns) = (Math.Min(h, (size.H + stride - 1) / stride), Math.Min(w, (size.W + stride - 1) / stride));
        var valid = new int[rows * columns];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++) valid[i * columns + j] = i * w + j;
        return valid;
    }

    /// <summary>An image's labels and its boxes as xyxy pixels of its own size.</summary>
    private static (long[] Labels, float[] Boxes) PixelTargets(ImageTargets targets, (int H, int W) size)
    {
        var labels = targets.Labels.To(Device.Cpu).To(DType.Int64).ToArray<long>();
        var cxcywh = targets.Boxes.To(Device.Cpu).To(DType.Float32).ToArray<float>();
        var boxes = new float[cxcywh.Length];
        for (var t = 0; t < labels.Length; t++)
        {
            var (cx, cy, bw, bh) = (cxcywh[4 * t], cxcywh[4 * t + 1], cxcywh[4 * t + 2], cxcywh[4 * t + 3]);
            boxes[4 * t] = (cx - bw / 2) * size.W;
            boxes[4 * t + 1] = (cy - bh / 2) * size.H;
            boxes[4 * t + 2] = (cx + bw / 2) * size.W;
            boxes[4 * t + 3] = (cy + bh / 2) * size.H;
        }
        return (labels, boxes);
    }

    /// <summary>Per valid anchor: the index of its target, or <see cref="Assignment.Background"/>.</summary>
    private int[] Assign(float[] anchors, int[] validIdx, float[] boxes)
    {
        var (m, v) = (boxes.Length / 4, validIdx.Length);
        var valid = new float[4 * v];
        for (var i = 0; i < v; i++) Array.Copy(anchors, 4 * validIdx[i], valid, 4 * i, 4);
        using var scope = DisposeScope.Enter();
        var (iou, _) = BoxOps.PairwiseIou(Tensor.From(boxes, m, 4), Tensor.From(valid, v, 4));   // [M, V]
        return new AtssAssigner(Config.TopK).Assign(valid, [v], boxes, QualityMatrix.Create(iou.ToArray<float>(), m, v)).PerPrediction;
    }

    /// <summary>sqrt(min(l, r)/max(l, r) · min(t, b)/max(t, b)) of the anchor's centre in the target (centerness_target).</summary>
    internal static float CenternessTarget(float[] anchor, float[] target)
    {
        var (cx, cy) = ((anchor[0] + anchor[2]) / 2, (anchor[1] + anchor[3]) / 2);
        var (l, t, r, b) = (cx - target[0], cy - target[1], target[2] - cx, target[3] - cy);
        return MathF.Sqrt(Math.Min(l, r) / Math.Max(l, r) * (Math.Min(t, b) / Math.Max(t, b)));
    }

    /// <summary>mmdet's delta2bbox: deltas [P, 4] (×stds 0.1, 0.1, 0.2, 0.2) against xyxy anchors [P, 4] → xyxy boxes.</summary>
    internal static Tensor Decode(Tensor anchors, Tensor deltas)
    {
        using var scope = DisposeScope.Enter();
        var dxy = deltas.Slice(1, 0, 2) * 0.1;
        var dwh = (deltas.Slice(1, 2, 4) * 0.2).Clamp(-MaxLogRatio, MaxLogRatio);
        var pxy = (anchors.Slice(1, 0, 2) + anchors.Slice(1, 2, 4)) * 0.5;
        var pwh = anchors.Slice(1, 2, 4) - anchors.Slice(1, 0, 2);
        var gxy = pxy + pwh * dxy;
        var gwh = pwh * dwh.Exp();
        return scope.MoveOut(Tensor.Cat([gxy - gwh * 0.5, gxy + gwh * 0.5], 1));
    }
}
