using Detr.Torch;

namespace Detr.Runtime.Matching;

/// <summary>One image's ground truth: class ids [T] int64 and normalised (cx, cy, w, h) boxes [T, 4].</summary>
public sealed record ImageTargets(Tensor Labels, Tensor Boxes)
{
    public int Count => (int)Labels.Size(0);
}

/// <summary>One prediction set: class logits [B, Q, K] and sigmoid boxes [B, Q, 4] (normalised cxcywh).</summary>
public sealed record SetPrediction(Tensor Logits, Tensor Boxes)
{
    public int Batch => (int)Logits.Size(0);

    public int Queries => (int)Logits.Size(1);
}

/// <summary>
/// The targets of a batch, padded to the largest count so that costs are computed for all images in one
/// pass: labels [B, T_max] (padding 0), boxes [B, T_max, 4] (padding: a valid unit box, so padded
/// columns stay finite) in <c>boxType</c> (the predictions' dtype), and each image's true count.
/// </summary>
public sealed class PaddedTargets : IDisposable
{
    public PaddedTargets(IReadOnlyList<ImageTargets> targets, Device device, DType boxType = DType.Float32)
    {
        Counts = targets.Select(t => t.Count).ToArray();
        MaxCount = Math.Max(1, Counts.DefaultIfEmpty(0).Max());
        var b = targets.Count;
        var labels = new long[b * MaxCount];
        var boxes = new double[b * MaxCount * 4];
        Array.Fill(boxes, 0.5); // padding: (0.5, 0.5, 0.5, 0.5), a valid box, so padded columns stay finite
        for (var i = 0; i < b; i++)
        {
            if (Counts[i] == 0) continue;
            using var l = targets[i].Labels.To(DType.Int64);
            l.CopyTo<long>(labels.AsSpan(i * MaxCount, Counts[i]));
            using var f = targets[i].Boxes.To(DType.Float64);
            f.CopyTo<double>(boxes.AsSpan(i * MaxCount * 4, Counts[i] * 4));
        }
        using var hostLabels = Tensor.From(labels, b, MaxCount);
        using var hostBoxes = Tensor.From(boxes, b, MaxCount, 4);
        Labels = hostLabels.To(device).DetachFromScope();
        Boxes = hostBoxes.To(device, boxType).DetachFromScope();
    }

    public int[] Counts { get; }

    public int MaxCount { get; }

    public Tensor Labels { get; }

    public Tensor Boxes { get; }

    public void Dispose()
    {
        Labels.Dispose();
        Boxes.Dispose();
    }
}
