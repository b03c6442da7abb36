using Detr.Torch;

namespace Detr.Runtime.Boxes;

/// <summary>
/// Box conversions and overlaps on tensors of any device, as detr's util/box_ops.py (same float
/// operation order, so values match the reference bit for bit in float32). Boxes are the last
/// dimension of 4: normalised (cx, cy, w, h) or absolute/normalised (x0, y0, x1, y1).
/// </summary>
public static class BoxOps
{
    /// <summary>(cx, cy, w, h) → (x0, y0, x1, y1): [.., 4] → [.., 4].</summary>
    public static Tensor CxcywhToXyxy(Tensor boxes)
    {
        using var scope = DisposeScope.Enter();
        var c = boxes.Unbind(-1);
        var (cx, cy, w, h) = (c[0], c[1], c[2], c[3]);
        return scope.MoveOut(Tensor.Stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], -1));
    }

    /// <summary>(x0, y0, x1, y1) → (cx, cy, w, h).</summary>
    public static Tensor XyxyToCxcywh(Tensor boxes)
    {
        using var scope = DisposeScope.Enter();
        var c = boxes.Unbind(-1);
        var (x0, y0, x1, y1) = (c[0], c[1], c[2], c[3]);
        return scope.MoveOut(Tensor.Stack([(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0], -1));
    }

    /// <summary>Area of xyxy boxes: [.., 4] → [..].</summary>
    public static Tensor Area(Tensor xyxy)
    {
        using var scope = DisposeScope.Enter();
        var c = xyxy.Unbind(-1);
        return scope.MoveOut((c[2] - c[0]) * (c[3] - c[1]));
    }

    /// <summary>
    /// Pairwise IoU and union of xyxy boxes a [.., N, 4] and b [.., M, 4] → ([.., N, M], [.., N, M]),
    /// leading (batch) dimensions broadcast.
    /// </summary>
    public static (Tensor Iou, Tensor Union) PairwiseIou(Tensor a, Tensor b)
    {
        using var scope = DisposeScope.Enter();
        var area1 = Area(a);                                    // [.., N]
        var area2 = Area(b);                                    // [.., M]
        var a2 = a.Unsqueeze(-2);                               // [.., N, 1, 4]
        var b2 = b.Unsqueeze(-3);                               // [.., 1, M, 4]
        var lt = a2.Slice(-1, 0, 2).Maximum(b2.Slice(-1, 0, 2)); // [.., N, M, 2]
        var rb = a2.Slice(-1, 2, 4).Minimum(b2.Slice(-1, 2, 4));
        var wh = (rb - lt).ClampMin(0);
        var inter = wh.Select(-1, 0) * wh.Select(-1, 1);        // [.., N, M]
        var union = area1.Unsqueeze(-1) + area2.Unsqueeze(-2) - inter;
        var iou = inter / union;
        return (scope.MoveOut(iou), scope.MoveOut(union));
    }

    /// <summary>Generalized IoU (Rezatofighi et al., CVPR 2019) of every pair: [.., N, 4] × [.., M, 4] → [.., N, M].</summary>
    public static Tensor GeneralizedIou(Tensor a, Tensor b)
    {
        using var scope = DisposeScope.Enter();
        var (iou, union) = PairwiseIou(a, b);
        var a2 = a.Unsqueeze(-2);
        var b2 = b.Unsqueeze(-3);
        var lt = a2.Slice(-1, 0, 2).Minimum(b2.Slice(-1, 0, 2));
        var rb = a2.Slice(-1, 2, 4).Maximum(b2.Slice(-1, 2, 4));
        var wh = (rb - lt).ClampMin(0);
        var area = wh.Select(-1, 0) * wh.Select(-1, 1);
        return scope.MoveOut(iou - (area - union) / area);
    }

    /// <summary>IoU and union of matching rows: a [N, 4], b [N, 4] → [N], [N] (the pairwise matrices' diagonals).</summary>
    public static (Tensor Iou, Tensor Union) ElementwiseIou(Tensor a, Tensor b)
    {
        using var scope = DisposeScope.Enter();
        var area1 = Area(a);
        var area2 = Area(b);
        var lt = a.Slice(-1, 0, 2).Maximum(b.Slice(-1, 0, 2));
        var rb = a.Slice(-1, 2, 4).Minimum(b.Slice(-1, 2, 4));
        var wh = (rb - lt).ClampMin(0);
        var inter = wh.Select(-1, 0) * wh.Select(-1, 1);
        var union = area1 + area2 - inter;
        return (scope.MoveOut(inter / union), scope.MoveOut(union));
    }

    /// <summary>GIoU of matching rows: a [N, 4], b [N, 4] → [N] (the diagonal of the pairwise matrix, without building it).</summary>
    public static Tensor ElementwiseGiou(Tensor a, Tensor b)
    {
        using var scope = DisposeScope.Enter();
        var (iou, union) = ElementwiseIou(a, b);
        var elt = a.Slice(-1, 0, 2).Minimum(b.Slice(-1, 0, 2));
        var erb = a.Slice(-1, 2, 4).Maximum(b.Slice(-1, 2, 4));
        var ewh = (erb - elt).ClampMin(0);
        var enclosing = ewh.Select(-1, 0) * ewh.Select(-1, 1);
        return scope.MoveOut(iou - (enclosing - union) / enclosing);
    }

    /// <summary>
    /// Indices of boxes that are degenerate: xyxy with x1 &lt; x0 or y1 &lt; y0 (or non-finite). detr asserts
    /// on these inside generalized_box_iou; we report them. With <paramref name="allowEmpty"/> false,
    /// zero width or height counts as degenerate too (the rule for ground truth).
    /// </summary>
    public static long[] Degenerate(Tensor xyxy, bool allowEmpty = true)
    {
        using var scope = DisposeScope.Enter();
        var c = xyxy.Reshape(-1, 4).Unbind(-1);
        var bad = allowEmpty ? c[2].Lt(c[0]) | c[3].Lt(c[1]) : c[2].Le(c[0]) | c[3].Le(c[1]);
        bad = bad | !xyxy.Reshape(-1, 4).IsFinite().All(1);
        return bad.Nonzero().Flatten().ToArray<long>();
    }
}

/// <summary>A box that cannot be matched or scored (negative size, or NaN), named by image and index.</summary>
public sealed class DegenerateBoxException(string what, int image, long index, string detail)
    : Exception($"{what} box {index} of image {image} is degenerate ({detail})")
{
    public int Image { get; } = image;

    public long Index { get; } = index;
}
