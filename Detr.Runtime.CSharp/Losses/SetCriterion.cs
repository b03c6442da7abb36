using Detr.Runtime.Boxes;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Losses;

public enum ClassLoss
{
    /// <summary>DETR: cross-entropy over C + 1 logits, the no-object class weighted by NoObjectWeight.</summary>
    Softmax,

    /// <summary>Deformable / Conditional DETR: sigmoid focal loss over C logits, normalised by the number of boxes, times Q.</summary>
    Focal,

    /// <summary>RT-DETR: varifocal loss over C logits against IoU-aware targets, normalised as the focal loss.</summary>
    Varifocal,
}

/// <summary>Loss terms and their weights (the reference's weight_dict).</summary>
public sealed record LossConfig(ClassLoss ClassLoss, double ClassWeight, double L1Weight, double GiouWeight,
                                double NoObjectWeight = 0.1, double FocalAlpha = 0.25, double FocalGamma = 2, double VarifocalAlpha = 0.75)
{
    public static readonly LossConfig Detr = new(ClassLoss.Softmax, 1, 5, 2);

    public static readonly LossConfig DeformableDetr = new(ClassLoss.Focal, 2, 5, 2);
}

/// <summary>
/// DETR's SetCriterion (detr models/detr.py; Deformable-DETR models/deformable_detr.py for the focal
/// form): match every prediction set (final and each auxiliary decoder layer) to the targets, then
/// class, L1 and GIoU losses on the matches. Quirks kept, because they decide the numbers:
/// softmax loss_ce is a class-weighted mean (Σ w·l / Σ w, not / num_boxes); focal loss_ce is
/// Σ focal / num_boxes (mean over queries then ×Q); L1 and GIoU are sums / num_boxes with
/// num_boxes = max(ΣT, 1) as a float; class_error (100 − top-1 % on matched queries, 100 when there are
/// none) and cardinality_error (|#(argmax ≠ K−1) − T| averaged over images) are logged, never weighted.
/// </summary>
public sealed class SetCriterion(LossConfig config, HungarianMatcher matcher, double oneToManyWeight = 1, IReadOnlyList<AtssHeadLoss>? denseHeads = null)
{
    /// <summary>Suffix of the one-to-many group's terms, as H-DETR names them (loss_ce_one2many, loss_bbox_0_one2many, ...).</summary>
    public const string OneToManySuffix = "_one2many";

    public LossConfig Config { get; } = config;

    public HungarianMatcher Matcher { get; } = matcher;

    /// <summary>λ of H-DETR's one-to-many terms, on top of each term's own weight.</summary>
    public double OneToManyWeight { get; } = oneToManyWeight;

    /// <summary>Co-DETR's auxiliary heads, each adding its own weighted terms (none for a plain DETR).</summary>
    public IReadOnlyList<AtssHeadLoss> DenseHeads { get; } = denseHeads ?? [];

    /// <summary>
    /// Computes every term for the final set and each auxiliary set (suffixes _0, _1, ...), and, for a
    /// hybrid-matching model, the same terms of the one-to-many group against the targets repeated k times
    /// (suffix _one2many; num_boxes counts the repeated targets), as H-DETR's training step does; and the terms of
    /// each auxiliary dense head (<see cref="DenseHeads"/>) from its predictions <paramref name="dense"/> on images
    /// of <paramref name="sizes"/>.
    /// </summary>
    public LossResult Compute(SetPrediction final, IReadOnlyList<SetPrediction> auxiliary, IReadOnlyList<ImageTargets> targets,
                              OneToManySets? oneToMany = null, IReadOnlyList<DenseLevel>? dense = null, IReadOnlyList<(int H, int W)>? sizes = null)
    {
        if ((dense?.Count ?? 0) != DenseHeads.Count)
            throw new ArgumentException($"the criterion has {DenseHeads.Count} auxiliary heads, but {dense?.Count ?? 0} dense predictions were given");
        HungarianMatcher.CheckTargets(targets);
        var result = new LossResult(NumBoxes(targets).Value);
        using var scope = DisposeScope.Enter();
        AddGroup(result, "", final, auxiliary, targets, logClassError: true);
        if (oneToMany is { } many)
            AddGroup(result, OneToManySuffix, many.Final, many.Auxiliary,
                     targets.Select(t => new ImageTargets(t.Labels.Repeat(many.K), t.Boxes.Repeat(many.K, 1))).ToList(), logClassError: false);
        for (var i = 0; i < DenseHeads.Count; i++)
            DenseHeads[i].AddTo(result, dense![i], targets, sizes ?? throw new ArgumentException("dense heads need the images' sizes"));
        result.Finish(this);
        scope.MoveOut(result.Terms.Values);
        scope.MoveOut(result.WeightedTotal);
        return result;
    }

    /// <summary>num_boxes = max(ΣT, 1) over these targets (data-parallel replicas combine theirs: <see cref="ReplicaLosses"/>).</summary>
    private static Normaliser NumBoxes(IReadOnlyList<ImageTargets> targets) => new(targets.Sum(t => t.Count), 1);

    /// <summary>
    /// The terms of one query group against its targets: the final set (indices "final" + suffix) and each
    /// auxiliary set (terms _i + suffix, indices "aux_i" + suffix).
    /// </summary>
    private void AddGroup(LossResult result, string suffix, SetPrediction final, IReadOnlyList<SetPrediction> auxiliary,
                          IReadOnlyList<ImageTargets> targets, bool logClassError)
    {
        var device = final.Logits.Device;
        using var padded = new PaddedTargets(targets, device, final.Boxes.DType);
        var numBoxes = NumBoxes(targets);
        var matched = new MatchedTargets(targets, device);
        AddSet(result, suffix, "final" + suffix, final, padded, matched, numBoxes, logClassError);
        for (var i = 0; i < auxiliary.Count; i++)
            AddSet(result, $"_{i}{suffix}", $"aux_{i}{suffix}", auxiliary[i], padded, matched, numBoxes, logClassError: false);
    }

    private void AddSet(LossResult result, string suffix, string indexName, SetPrediction set, PaddedTargets padded, MatchedTargets matched,
                        Normaliser boxNormaliser, bool logClassError)
    {
        var numBoxes = boxNormaliser.Value;
        var matching = System.Diagnostics.Stopwatch.StartNew();
        var indices = Matcher.Match(set, padded);
        result.MatchTime += matching.Elapsed;
        result.Indices[indexName] = indices;
        var (batchIdx, srcIdx, labels, boxes) = matched.Gather(indices);
        var (b, q) = (set.Batch, set.Queries);
        var k = set.Logits.Size(-1);
        var srcBoxes = set.Boxes.Index(batchIdx, srcIdx);                                 // [M, 4]
        var (srcXyxy, tgtXyxy) = (BoxOps.CxcywhToXyxy(srcBoxes), BoxOps.CxcywhToXyxy(boxes));

        // Class loss.
        if (Config.ClassLoss == ClassLoss.Softmax)
        {
            var noObject = k - 1;
            var targetClasses = Tensor.Full([b, q], noObject, DType.Int64, set.Logits.Device);
            targetClasses.IndexPut_([batchIdx, srcIdx], labels);
            var weights = Tensor.Ones([k], set.Logits.DType, set.Logits.Device);
            weights.Select(0, noObject).Fill_(Config.NoObjectWeight);
            // A class-weighted mean: Σ w·l / Σ w, with Σ w = M + (B·Q − M)·no-object weight over M matches.
            var m = (double)batchIdx.Size(0);
            result.Add("loss_ce" + suffix, Functional.CrossEntropy(set.Logits.Transpose(1, 2), targetClasses, weights),
                       new Normaliser(m + (b * q - m) * Config.NoObjectWeight));
        }
        else
        {
            // One-hot over C + 1 columns with unmatched queries at column C, then the last column dropped.
            var targetClasses = Tensor.Full([b, q], k, DType.Int64, set.Logits.Device);
            targetClasses.IndexPut_([batchIdx, srcIdx], labels);
            var onehot = Tensor.Zeros([b, q, k + 1], set.Logits.DType, set.Logits.Device)
                .Scatter(2, targetClasses.Unsqueeze(-1), 1.0).Slice(2, 0, k);
            var loss = Config.ClassLoss == ClassLoss.Varifocal
                ? VarifocalLoss.Compute(set.Logits, MatchedIouScores(srcXyxy, tgtXyxy, batchIdx, srcIdx, onehot), onehot, numBoxes, Config.VarifocalAlpha, Config.FocalGamma)
                : SigmoidFocalLoss.Compute(set.Logits, onehot, numBoxes, Config.FocalAlpha, Config.FocalGamma);
            result.Add("loss_ce" + suffix, loss * q, boxNormaliser);
        }
        if (logClassError) result.Add("class_error" + suffix, ClassError(set.Logits.Index(batchIdx, srcIdx), labels), new Normaliser(batchIdx.Size(0)));

        // Box losses on the matched pairs.
        result.Add("loss_bbox" + suffix, Functional.L1Loss(srcBoxes, boxes, Reduction.None).Sum() / numBoxes, boxNormaliser);
        var giou = BoxOps.ElementwiseGiou(srcXyxy, tgtXyxy);
        result.Add("loss_giou" + suffix, (1 - giou).Sum() / numBoxes, boxNormaliser);

        // Cardinality (logged only).
        using (LibTorch.NoGrad())
        {
            var predicted = set.Logits.Argmax(-1).Ne(k - 1).Sum(1).To(DType.Float32);     // [B]
            var lengths = Tensor.From(padded.Counts.Select(x => (float)x).ToArray()).To(set.Logits.Device);
            result.Add("cardinality_error" + suffix, Functional.L1Loss(predicted, lengths), new Normaliser(b));
        }
    }

    /// <summary>
    /// Varifocal targets [B, Q, C]: each matched query's IoU with its target box (detached, as RT-DETR's
    /// <c>ious.detach()</c>) at its class, 0 elsewhere.
    /// </summary>
    private static Tensor MatchedIouScores(Tensor srcXyxy, Tensor tgtXyxy, Tensor batchIdx, Tensor srcIdx, Tensor onehot)
    {
        using var grad = LibTorch.NoGrad();
        using var scope = DisposeScope.Enter();
        var (iou, _) = BoxOps.ElementwiseIou(srcXyxy, tgtXyxy);                                              // [M]
        var perQuery = Tensor.Zeros([onehot.Size(0), onehot.Size(1)], onehot.DType, onehot.Device);          // [B, Q]
        perQuery.IndexPut_([batchIdx, srcIdx], iou.To(onehot.DType));
        return scope.MoveOut(perQuery.Unsqueeze(-1) * onehot);
    }

    /// <summary>100 − top-1 accuracy (%) of the matched queries; 100 when nothing is matched (detr util/misc.py accuracy).</summary>
    private static Tensor ClassError(Tensor matchedLogits, Tensor labels)
    {
        using var grad = LibTorch.NoGrad();
        var m = matchedLogits.Size(0);
        if (m == 0) return Tensor.Scalar(100, matchedLogits.DType, matchedLogits.Device);
        var correct = matchedLogits.Argmax(-1).Eq(labels).To(matchedLogits.DType).Sum();
        return 100 - correct * (100.0 / m);
    }

    /// <summary>
    /// The weight of a term ("loss_ce_1" → class weight; "loss_ce_1_one2many" → class weight × λ), or null when
    /// the term is logged only.
    /// </summary>
    public double? Weight(string term)
    {
        foreach (var head in DenseHeads)
            if (head.Weights.TryGetValue(term, out var dense)) return dense;
        if (term.EndsWith(OneToManySuffix, StringComparison.Ordinal))
            return Weight(term[..^OneToManySuffix.Length]) * OneToManyWeight;
        var name = term;
        var underscore = term.LastIndexOf('_');
        if (underscore > 0 && int.TryParse(term.AsSpan(underscore + 1), out _)) name = term[..underscore];
        return name switch
        {
            "loss_ce" => Config.ClassWeight,
            "loss_bbox" => Config.L1Weight,
            "loss_giou" => Config.GiouWeight,
            _ => null,
        };
    }
}

/// <summary>The one-to-many group of a hybrid-matching model: its final and per-layer sets, and the repeat count k.</summary>
public sealed record OneToManySets(SetPrediction Final, IReadOnlyList<SetPrediction> Auxiliary, int K);

/// <summary>Every target of a batch concatenated once on the device, to gather matched labels and boxes.</summary>
internal sealed class MatchedTargets(IReadOnlyList<ImageTargets> targets, Device device)
{
    private readonly Tensor labels = Tensor.Cat(targets.Select(t => t.Labels.To(DType.Int64)).ToList()).To(device);
    private readonly Tensor boxes = Tensor.Cat(targets.Select(t => t.Boxes.Reshape(-1, 4)).ToList()).To(device);
    private readonly int[] offsets = Offsets(targets);

    private static int[] Offsets(IReadOnlyList<ImageTargets> targets)
    {
        var offsets = new int[targets.Count];
        for (var b = 1; b < targets.Count; b++) offsets[b] = offsets[b - 1] + targets[b - 1].Count;
        return offsets;
    }

    /// <summary>(batch index, prediction index, label, box) of every match, images in order.</summary>
    public (Tensor BatchIdx, Tensor SrcIdx, Tensor Labels, Tensor Boxes) Gather(IReadOnlyList<ImageMatch> matches)
    {
        var batch = new List<long>();
        var src = new List<long>();
        var tgt = new List<long>();
        for (var b = 0; b < matches.Count; b++)
            for (var k = 0; k < matches[b].Count; k++)
            {
                batch.Add(b);
                src.Add(matches[b].PredIdx[k]);
                tgt.Add(offsets[b] + matches[b].TgtIdx[k]);
            }
        var tgtIdx = Tensor.From(tgt.ToArray()).To(device);
        return (Tensor.From(batch.ToArray()).To(device), Tensor.From(src.ToArray()).To(device),
                labels.IndexSelect(0, tgtIdx), boxes.IndexSelect(0, tgtIdx));
    }
}

/// <summary>Loss terms by name (in the reference's order), the weighted total, num_boxes and the matches.</summary>
public sealed class LossResult(double numBoxes) : IDisposable
{
    public Dictionary<string, Tensor> Terms { get; } = [];

    /// <summary>What each term was divided by (for combining data-parallel replicas' terms).</summary>
    public Dictionary<string, Normaliser> Normalisers { get; } = [];

    public Dictionary<string, ImageMatch[]> Indices { get; } = [];

    public double NumBoxes { get; } = numBoxes;

    /// <summary>Time spent in the matcher (cost matrices and assignments of every set).</summary>
    public TimeSpan MatchTime { get; internal set; }

    /// <summary>Σ weight·term over the weighted terms, in term order (as detr's engine.py).</summary>
    public Tensor WeightedTotal { get; private set; } = null!;

    internal void Add(string name, Tensor value, Normaliser normaliser)
    {
        Terms[name] = value;
        Normalisers[name] = normaliser;
    }

    internal void Finish(SetCriterion criterion) => WeightedTotal = Weighted(criterion, _ => 1);

    /// <summary>
    /// Σ weight·factor(term)·term over the weighted terms, in term order: the total with every factor 1, a
    /// data-parallel share's part of its batch's total with <see cref="ReplicaLosses.Factors"/>.
    /// </summary>
    public Tensor Weighted(SetCriterion criterion, Func<string, double> factor)
    {
        Tensor? total = null;
        foreach (var (name, value) in Terms)
            if (criterion.Weight(name) is { } w)
            {
                var scale = w * factor(name);
                total = total is null ? value * scale : total + value * scale;
            }
        return total ?? throw new InvalidOperationException("no weighted loss term");
    }

    public void Dispose()
    {
        foreach (var t in Terms.Values) t.Dispose();
        WeightedTotal?.Dispose();
    }
}
