using Detr.Dsl;
using Detr.Models;
using Detr.Torch;
using Detr.Torch.Optim;

namespace Detr.Runtime.Training;

/// <summary>
/// The optimizer a recipe describes, as detr's main.py builds it: AdamW over the trainable parameters in two
/// groups, the backbone's at <c>backbone.lr</c> and the rest at the recipe's rate, both with its weight decay.
/// </summary>
public static class PlanOptimizer
{
    public static (AdamW Optimizer, IReadOnlyList<Tensor> Trainable) AdamW(Detector model, TrainPlan recipe)
    {
        var named = model.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToList();
        static bool InBackbone(string name) => name.StartsWith("backbone.", StringComparison.Ordinal);
        var backbone = named.Where(p => InBackbone(p.Name)).Select(p => p.Parameter).ToList();
        var rest = named.Where(p => !InBackbone(p.Name)).Select(p => p.Parameter).ToList();
        var groups = new List<ParamGroup> { new("transformer", rest, recipe.Lr, recipe.WeightDecay) };
        if (backbone.Count > 0) groups.Add(new ParamGroup("backbone", backbone, recipe.BackboneLr, recipe.WeightDecay));
        return (new AdamW(groups, recipe.Beta1, recipe.Beta2, recipe.Eps), named.Select(p => p.Parameter).ToList());
    }

    /// <summary>An update: the gradients clipped to a total norm of <paramref name="clip"/> (none when 0), then the optimizer's step.</summary>
    public static void ClipAndStep(IOptimizer optimizer, IReadOnlyList<Tensor> trainable, double clip)
    {
        if (clip > 0) GradClip.ClipGradNorm(trainable, clip);
        optimizer.Step();
    }
}
