using Detr.Runtime.Losses;
using Detr.Runtime.Matching;
using Detr.Torch;

namespace Detr.Runtime.Tests.Losses;

/// <summary>
/// Co-DETR's auxiliary ATSS head loss against numbers worked out by hand. The case: a 4×4 grid at stride 8,
/// anchors of side 16 (anchor scale 2), top-2 candidates; one 32×32 image with one box (4, 2)–(20, 14) of
/// class 3, whose centre (12, 8) is equally far from the anchors at (8, 8) and (16, 8): both are candidates
/// with the same IoU, so the threshold (mean + std) equals it and both are positive, each with IoU 144/304,
/// GIoU 144/304 − 16/320 and centerness target √(4/12 · 6/6); and one 24×16 image without boxes, whose
/// valid anchors are the 2 × 3 of its own extent.
/// </summary>
public class AtssHeadLossTests
{
    private const int Classes = 5;
    private static readonly double Ln2 = Math.Log(2);

    private static AtssHeadLoss Loss(double scale = 1) => new(new AtssHeadLossConfig(TopK: 2, AnchorScale: 2, 1 * scale, 2 * scale, 1 * scale), "loss_atss");

    private static List<ImageTargets> Targets() =>
    [
        new(Tensor.From(new long[] { 3 }), Tensor.From(new[] { 12f / 32, 8f / 32, 16f / 32, 12f / 32 }, 1, 4)),
        new(Tensor.Zeros([0], DType.Int64), Tensor.Zeros([0, 4])),
    ];

    private static readonly (int H, int W)[] Sizes = [(32, 32), (16, 24)];

    private static DenseLevel ZeroPredictions() =>
        new(Tensor.Zeros([2, Classes, 4, 4]), Tensor.Zeros([2, 4, 4, 4]), Tensor.Zeros([2, 1, 4, 4]), Stride: 8);

    private static Dictionary<string, double> Terms(DenseLevel level)
    {
        using var result = new LossResult(1);
        Loss().AddTo(result, level, Targets(), Sizes);
        return result.Terms.ToDictionary(t => t.Key, t => t.Value.Item());
    }

    [Fact]
    public void Zero_predictions_give_the_hand_computed_terms()
    {
        using var scope = DisposeScope.Enter();
        var terms = Terms(ZeroPredictions());
        // Focal loss at logit 0: ln 2 · 0.25 · (α 0.25 for a positive entry, 0.75 for a negative one). The valid
        // entries: 16 anchors × 5 classes with 2 positive, and 6 × 5 all negative; num_pos = 2 + max(0, 1).
        var focal = (78 * 0.75 + 2 * 0.25 + 30 * 0.75) * 0.25 * Ln2 / 3;
        Assert.Equal(focal, terms["loss_atss_cls"], 5);
        // Zero deltas decode to the anchors themselves: 1 − GIoU, the same for both positives.
        var giou = 144.0 / 304 - 16.0 / 320;
        Assert.Equal(1 - giou, terms["loss_atss_bbox"], 5);
        // BCE at logit 0 is ln 2 whatever the target: two positives over num_pos 3.
        Assert.Equal(2 * Ln2 / 3, terms["loss_atss_centerness"], 5);
    }

    [Fact]
    public void The_terms_weigh_as_configured_and_join_the_weighted_total()
    {
        using var scope = DisposeScope.Enter();
        var head = Loss(scale: 6);
        var criterion = new SetCriterion(LossConfig.DeformableDetr, new HungarianMatcher(new MatchCostConfig(ClassCost.Focal, 2, 5, 2), SolverKind.Host), 1, [head]);
        Assert.Equal(6, criterion.Weight("loss_atss_cls"));
        Assert.Equal(12, criterion.Weight("loss_atss_bbox"));
        Assert.Equal(6, criterion.Weight("loss_atss_centerness"));
        var set = new SetPrediction(Tensor.Zeros([2, 3, Classes]), Tensor.Full([2, 3, 4], 0.5));
        using var plain = new SetCriterion(LossConfig.DeformableDetr, criterion.Matcher).Compute(set, [], Targets());
        using var with = criterion.Compute(set, [], Targets(), dense: [ZeroPredictions()], sizes: Sizes);
        var dense = 6 * with.Terms["loss_atss_cls"].Item() + 12 * with.Terms["loss_atss_bbox"].Item() + 6 * with.Terms["loss_atss_centerness"].Item();
        Assert.Equal(plain.WeightedTotal.Item() + dense, with.WeightedTotal.Item(), 4);
    }

    [Fact]
    public void Box_gradients_reach_only_the_positive_anchors()
    {
        using var scope = DisposeScope.Enter();
        var level = ZeroPredictions();
        var deltas = level.BoxDeltas.RequiresGrad_();
        using var result = new LossResult(1);
        Loss().AddTo(result, level with { BoxDeltas = deltas }, Targets(), Sizes);
        result.Terms["loss_atss_bbox"].Backward();
        var grad = deltas.Grad!.Abs().Sum(1).ToArray<float>();                          // [2 · 16], per anchor
        var touched = Enumerable.Range(0, grad.Length).Where(i => grad[i] > 0).ToArray();
        Assert.Equal([4 * 1 + 1, 4 * 1 + 2], touched);                                   // image 0, row 1, columns 1 and 2
    }

    [Fact]
    public void Anchors_sit_on_the_grid_points_and_only_the_images_own_extent_is_valid()
    {
        var anchors = AtssHeadLoss.Anchors(2, 3, 8, 4);
        Assert.Equal([-16f, -16, 16, 16], anchors[..4]);
        Assert.Equal([16f - 16, 8 - 16, 16 + 16, 8 + 16], anchors[(4 * 5)..(4 * 6)]);   // row 1, column 2: centre (16, 8)
        Assert.Equal([0, 1, 2, 4, 5, 6], AtssHeadLoss.ValidAnchors(4, 4, 8, (16, 17)));  // ceil(16/8) rows, ceil(17/8) columns
    }

    [Fact]
    public void Deltas_decode_as_mmdets_delta2bbox()
    {
        using var scope = DisposeScope.Enter();
        var anchors = Tensor.From(new[] { 0f, 0, 16, 8 }, 1, 4);
        var deltas = Tensor.From(new[] { 1f, -2, 5, 100 }, 1, 4);
        var box = AtssHeadLoss.Decode(anchors, deltas).ToArray<float>();
        // centre (8 + 16·0.1, 4 − 8·0.2), size (16·e^1, 8·e^{min(20, |log(16/1000)|)})
        var (cx, cy, w, h) = (9.6, 2.4, 16 * Math.E, 8 * Math.Exp(Math.Abs(Math.Log(16.0 / 1000))));
        Assert.Equal([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], box.Select(v => (double)v), new Tolerance(1e-3));
        Assert.Equal(Math.Sqrt(4.0 / 12), AtssHeadLoss.CenternessTarget([0, 0, 16, 16], [4, 2, 20, 14]), 5);
    }

    private sealed class Tolerance(double atol) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= atol * Math.Max(1, Math.Abs(y));

        public int GetHashCode(double obj) => 0;
    }
}
