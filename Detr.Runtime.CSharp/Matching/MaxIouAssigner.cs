namespace Detr.Runtime.Matching;

/// <summary>
/// Max-IoU assignment with positive/negative thresholds and low-quality matches, in the two flavours
/// the DETR family inherits:
/// <list type="bullet">
/// <item><see cref="LowQualityRule.Detectron2"/> — detectron2's <c>Matcher</c> (used by DETA,
/// models/assigner.py): every prediction keeps its argmax target; a prediction that is the best (ties
/// included) for some target is only re-labelled positive.</item>
/// <item><see cref="LowQualityRule.MmDetection"/> — mmdet's <c>MaxIoUAssigner</c> (Co-DETR's Faster R-CNN
/// branch): for each target whose best IoU ≥ <c>MinPositiveIou</c>, every prediction reaching that best
/// IoU is assigned to this target (later targets overwrite earlier ones).</item>
/// </list>
/// IoU in [Negative, Positive) is ignored; below Negative is background; ≥ Positive is positive.
/// </summary>
public sealed record MaxIouAssigner(float Positive, float Negative, bool LowQuality,
                                    LowQualityRule Rule = LowQualityRule.Detectron2, float MinPositiveIou = 0f)
{
    public Assignment Assign(QualityMatrix iou)
    {
        if (Negative > Positive) throw new ArgumentException($"negative threshold {Negative} above positive threshold {Positive}");
        var n = iou.Predictions;
        var labels = new int[n];
        if (iou.Targets == 0)
        {
            Array.Fill(labels, Assignment.Background); // no targets: IoU 0 everywhere
            return Assignment.FromLabels(labels);
        }

        // Best target per prediction (first on ties, as torch.max over dim 0).
        var best = new int[n];
        var bestIou = new float[n];
        for (var p = 0; p < n; p++)
        {
            var (arg, val) = (0, iou[0, p]);
            for (var t = 1; t < iou.Targets; t++)
                if (iou[t, p] > val) (arg, val) = (t, iou[t, p]);
            best[p] = arg;
            bestIou[p] = val;
            labels[p] = val >= Positive ? arg : val < Negative ? Assignment.Background : Assignment.Ignore;
        }

        if (LowQuality)
        {
            for (var t = 0; t < iou.Targets; t++)
            {
                var top = 0f;
                for (var p = 0; p < n; p++) top = Math.Max(top, iou[t, p]);
                if (Rule == LowQualityRule.Detectron2)
                {
                    // detectron2 uses nonzero() on equality: a target with no overlap at all (top 0) still
                    // marks every prediction with IoU 0 to it ... with the prediction's own argmax target.
                    for (var p = 0; p < n; p++)
                        if (iou[t, p] == top) labels[p] = best[p];
                }
                else if (top >= MinPositiveIou)
                {
                    for (var p = 0; p < n; p++)
                        if (iou[t, p] == top) labels[p] = t;
                }
            }
        }
        return Assignment.FromLabels(labels);
    }
}

public enum LowQualityRule
{
    Detectron2,
    MmDetection,
}
