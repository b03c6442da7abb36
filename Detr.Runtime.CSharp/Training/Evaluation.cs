using Detr.Dsl;
using Detr.Models;
using Detr.Runtime.Coco;
using Detr.Runtime.Data;
using Detr.Runtime.Inference;
using Detr.Torch;

namespace Detr.Runtime.Training;

/// <summary>Detections of one validation image, kept for the report's drawings.</summary>
public sealed record ImagePrediction(long ImageId, string File, Detections Detections);

/// <summary>
/// COCO evaluation of a model on a loader's images with the streaming evaluator: eval mode, no gradients,
/// the plan's post-processing, boxes in original-image pixels as COCO's [x, y, w, h].
/// </summary>
public static class Evaluation
{
    public static (CocoResult Result, List<ImagePrediction> Samples) Run(Detector model, Plan plan, DataLoader loader, CocoGroundTruth gt,
                                                                         Device device, int keep = 0, CancellationToken cancel = default)
    {
        var wasTraining = model.IsTraining;
        model.Eval();
        var evaluator = new CocoEvaluator(gt);
        var samples = new List<ImagePrediction>();
        try
        {
            foreach (var batch in loader.Epoch(0))
                using (batch)
                using (var scope = DisposeScope.Enter())
                using (LibTorch.NoGrad())
                {
                    cancel.ThrowIfCancellationRequested();
                    var (images, mask) = batch.ImagesOn(device);
                    var output = model.Forward(images, mask, null);
                    var sizes = batch.OriginalSizes.Select(s => (s.H, s.W)).ToArray();
                    var detections = PostProcess.Apply(output.Logits, output.Boxes, sizes, plan.Head, plan.Predict);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        var d = detections[i];
                        for (var j = 0; j < d.Count; j++)
                        {
                            var b = d.Boxes[j];
                            evaluator.Add(batch.ImageIds[i], d.Labels[j], b[0], b[1], b[2] - b[0], b[3] - b[1], d.Scores[j]);
                        }
                        if (samples.Count < keep)
                            samples.Add(new ImagePrediction(batch.ImageIds[i], loader.Dataset.ImagePath(batch.Indices[i]), d));
                    }
                }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return (evaluator.Compute(), samples);
    }
}
