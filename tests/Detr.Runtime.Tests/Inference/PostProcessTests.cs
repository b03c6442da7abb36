using Detr.Dsl;
using Detr.Runtime.Inference;
using Detr.Torch;

namespace Detr.Runtime.Tests.Inference;

/// <summary>Issue #7: post-processing as the references do it, checked against hand-computed values.</summary>
public class PostProcessTests
{
    private static HeadPlan Head(bool sigmoid) => new(sigmoid, 0.1, 0.25, 2, 0.01, false, 0.75);

    [Fact]
    public void Sigmoid_heads_take_the_top_k_of_queries_times_classes_with_boxes_scaled_to_the_image()
    {
        using var scope = DisposeScope.Enter();
        // 2 queries x 3 classes; the best three scores are (q1, c2), (q0, c0), (q1, c0).
        var logits = Tensor.From(new float[] { 2, -5, -5, 1, -5, 3 }, 1, 2, 3);
        var boxes = Tensor.From(new float[] { 0.5f, 0.5f, 0.2f, 0.4f, 0.25f, 0.75f, 0.5f, 0.5f }, 1, 2, 4);
        var d = PostProcess.Apply(logits, boxes, [(100, 200)], Head(true), new PredictPlan("top", 3))[0];
        Assert.Equal(3, d.Count);
        Assert.Equal(new long[] { 2, 0, 0 }, d.Labels);
        Assert.Equal(1 / (1 + Math.Exp(-3)), d.Scores[0], 5);
        Assert.Equal(1 / (1 + Math.Exp(-2)), d.Scores[1], 5);
        // Query 1: cx 0.25, cy 0.75, w 0.5, h 0.5 on a 200 x 100 image → x 0..100, y 50..100.
        Assert.Equal(new float[] { 0, 50, 100, 100 }, d.Boxes[0]);
        // Query 0: cx 0.5, cy 0.5, w 0.2, h 0.4 → x 80..120, y 30..70.
        Assert.Equal(new[] { 80f, 30f, 120f, 70f }, d.Boxes[1].Select(v => MathF.Round(v, 3)).ToArray());
    }

    [Fact]
    public void Softmax_heads_take_each_querys_best_real_class_ignoring_no_object()
    {
        using var scope = DisposeScope.Enter();
        // 2 queries, classes 0..1 plus the no-object logit (last); query 1 is most likely "no object".
        var logits = Tensor.From(new float[] { 1, 3, 0, 0, 1, 5 }, 1, 2, 3);
        var boxes = Tensor.From(new float[] { 0.5f, 0.5f, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f }, 1, 2, 4);
        var d = PostProcess.Apply(logits, boxes, [(10, 10)], Head(false), new PredictPlan("top", 100))[0];
        Assert.Equal(2, d.Count);                          // one per query
        Assert.Equal(new long[] { 1, 1 }, d.Labels);       // the no-object logit never wins
        var z0 = Math.Exp(1) + Math.Exp(3) + Math.Exp(0);
        Assert.Equal(Math.Exp(3) / z0, d.Scores[0], 5);
        var z1 = Math.Exp(0) + Math.Exp(1) + Math.Exp(5);
        Assert.Equal(Math.Exp(1) / z1, d.Scores[1], 5);
        Assert.Equal(new float[] { 0, 0, 10, 10 }, d.Boxes[0]);
    }
}
