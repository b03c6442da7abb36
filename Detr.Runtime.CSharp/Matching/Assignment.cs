namespace Detr.Runtime.Matching;

/// <summary>
/// The result of a one-to-many assigner for one image: positive (prediction, target) pairs — a target
/// may have several predictions, and (DETA's top-k balancing) a prediction may rarely appear twice —
/// plus a label per prediction: a target index (≥ 0), <see cref="Background"/> or <see cref="Ignore"/>.
/// </summary>
public sealed class Assignment
{
    public const int Background = -1;
    public const int Ignore = -2;

    public Assignment(int[] predIdx, int[] tgtIdx, int[] perPrediction)
    {
        if (predIdx.Length != tgtIdx.Length) throw new ArgumentException("pair arrays differ in length");
        PredIdx = predIdx;
        TgtIdx = tgtIdx;
        PerPrediction = perPrediction;
    }

    /// <summary>Positive pairs, in the order the rule produced them.</summary>
    public int[] PredIdx { get; }

    public int[] TgtIdx { get; }

    /// <summary>Per prediction: the target index, <see cref="Background"/> or <see cref="Ignore"/>.
    /// Where a prediction appears in two pairs the later pair wins, as in the reference's
    /// <c>target_classes[idx] = labels</c> scatter.</summary>
    public int[] PerPrediction { get; }

    public int PositiveCount => PredIdx.Length;

    /// <summary>Builds the pair view from a per-prediction label array (predictions ascending).</summary>
    public static Assignment FromLabels(int[] perPrediction)
    {
        var pred = new List<int>();
        var tgt = new List<int>();
        for (var i = 0; i < perPrediction.Length; i++)
            if (perPrediction[i] >= 0)
            {
                pred.Add(i);
                tgt.Add(perPrediction[i]);
            }
        return new Assignment([.. pred], [.. tgt], perPrediction);
    }

    /// <summary>Builds the per-prediction view from pairs; unlisted predictions get <paramref name="rest"/>.</summary>
    public static Assignment FromPairs(int[] predIdx, int[] tgtIdx, int predictions, int rest = Background)
    {
        var labels = new int[predictions];
        Array.Fill(labels, rest);
        for (var k = 0; k < predIdx.Length; k++) labels[predIdx[k]] = tgtIdx[k];
        return new Assignment(predIdx, tgtIdx, labels);
    }
}

/// <summary>A quality matrix [targets, predictions], row-major (IoU for every rule here).</summary>
public readonly record struct QualityMatrix(float[] Values, int Targets, int Predictions)
{
    public float this[int target, int prediction] => Values[target * Predictions + prediction];

    public static QualityMatrix Create(float[] values, int targets, int predictions)
    {
        if (values.Length != targets * predictions)
            throw new ArgumentException($"a [{targets}, {predictions}] quality matrix needs {targets * predictions} values, got {values.Length}");
        for (var i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]) || values[i] < 0)
                throw new ArgumentException($"quality matrix entry {i} (target {i / Math.Max(predictions, 1)}, prediction {i % Math.Max(predictions, 1)}) is {values[i]}: IoU must be finite and >= 0");
        return new QualityMatrix(values, targets, predictions);
    }
}
