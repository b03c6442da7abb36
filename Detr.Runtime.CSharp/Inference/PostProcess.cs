using Detr.Dsl;
using Detr.Runtime.Boxes;
using Detr.Torch;

namespace Detr.Runtime.Inference;

/// <summary>Detections of one image: scores, class ids and xyxy boxes in pixels of the original image.</summary>
public sealed record Detections(float[] Scores, long[] Labels, float[][] Boxes)
{
    public int Count => Scores.Length;
}

/// <summary>
/// Predictions → detections, as the references post-process: softmax heads take each query's best class
/// among the real ones (detr models/detr.py PostProcess, the no-object logit dropped); sigmoid heads take the
/// top k of queries × classes (Deformable/Conditional DETR PostProcess: index / K is the query, index % K
/// the class). Boxes go from normalised cxcywh to xyxy scaled by each image's (h, w).
/// </summary>
public static class PostProcess
{
    /// <param name="logits">[B, Q, K]</param>
    /// <param name="boxes">[B, Q, 4] normalised cxcywh</param>
    /// <param name="sizes">per image (height, width) of the original image</param>
    public static Detections[] Apply(Tensor logits, Tensor boxes, IReadOnlyList<(int Height, int Width)> sizes, HeadPlan head, PredictPlan predict)
    {
        if (predict.Rule != "top") throw new NotSupportedException($"not supported yet: {predict.Rule} post-processing");
        using var scope = DisposeScope.Enter();
        using var noGrad = LibTorch.NoGrad();
        var (b, q, k) = (logits.Size(0), logits.Size(1), logits.Size(2));
        if (sizes.Count != b) throw new ArgumentException($"{sizes.Count} image sizes for a batch of {b}");
        Tensor scores, labels, picked;
        if (head.Sigmoid)
        {
            var top = Math.Min(predict.K, q * k);
            var (values, index) = logits.Sigmoid().View(b, q * k).TopK(top, 1);        // [B, k]
            scores = values;
            labels = index.Remainder(k);
            var query = index.FloorDivide(k);                                          // [B, k]
            picked = boxes.Gather(1, query.Unsqueeze(-1).Repeat(1, 1, 4));             // [B, k, 4]
        }
        else
        {
            var probs = Functional.Softmax(logits, -1).Narrow(-1, 0, k - 1);           // [B, Q, K-1]
            var (values, index) = probs.Max(-1);                                       // [B, Q]
            scores = values;
            labels = index;
            picked = boxes;
        }
        // One copy of each result to the host for the whole batch.
        var xyxy = BoxOps.CxcywhToXyxy(picked).To(DType.Float32).To(Device.Cpu).Contiguous(); // [B, n, 4]
        var hostScores = scores.To(DType.Float32).To(Device.Cpu).Contiguous();                // [B, n]
        var hostLabels = labels.To(DType.Int64).To(Device.Cpu).Contiguous();                  // [B, n]
        var result = new Detections[b];
        var n = (int)scores.Size(1);
        for (var i = 0; i < b; i++)
        {
            var s = hostScores.Select(0, i).ToArray<float>();
            var l = hostLabels.Select(0, i).ToArray<long>();
            var flat = xyxy.Select(0, i).ToArray<float>();
            var (h, w) = sizes[i];
            var bx = new float[n][];
            for (var j = 0; j < n; j++)
                bx[j] = [flat[4 * j] * w, flat[4 * j + 1] * h, flat[4 * j + 2] * w, flat[4 * j + 3] * h];
            result[i] = new Detections(s, l, bx);
        }
        return result;
    }
}
