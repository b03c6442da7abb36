using Detr.Dsl;
using Detr.Runtime.Data;
using Detr.Runtime.Data.Transforms;

namespace Detr.Runtime.Training;

/// <summary>
/// The images a recipe asks for: its augmentation sizes, the training transform (`augment = detr`; `flip`: a
/// random horizontal flip, then the resize; `none`: the resize alone), the validation resize, and loaders over a dataset with them. Training, `detr eval`
/// and `detr predict` all prepare images through here, so they see the same sizes.
/// </summary>
public static class RecipeData
{
    public static AugmentConfig Augment(TrainPlan recipe) => new()
    {
        Scales = recipe.ImageMin.ToArray(),
        MaxSize = recipe.ImageMax,
        CropResizes = recipe.CropResize.ToArray(),
        CropMin = recipe.CropMin,
        CropMax = recipe.CropMax,
        ValidationSize = recipe.ValSize,
    };

    public static ITransform TrainTransform(TrainPlan recipe) => recipe.Augment switch
    {
        "none" => new RandomResize(recipe.ImageMin.ToArray(), recipe.ImageMax),
        "flip" => new Compose([new HorizontalFlip(Augment(recipe).FlipProbability), new RandomResize(recipe.ImageMin.ToArray(), recipe.ImageMax)]),
        _ => Augment(recipe).Training(),
    };

    /// <summary>One fixed resize: shorter side val_size, longer side at most image_max.</summary>
    public static ITransform ValidationTransform(TrainPlan recipe) => Augment(recipe).Validation();

    public static DataLoader TrainLoader(TrainPlan recipe, CocoDataset dataset, BadImagePolicy onBadImage, Action<string>? log) =>
        new(dataset, TrainTransform(recipe), new LoaderOptions(recipe.Batch, Shuffle: true, Seed: recipe.Seed, Workers: recipe.Workers, OnBadImage: onBadImage), log);

    public static DataLoader ValidationLoader(TrainPlan recipe, CocoDataset dataset, BadImagePolicy onBadImage, Action<string>? log) =>
        new(dataset, ValidationTransform(recipe), new LoaderOptions(recipe.Batch, Shuffle: false, Seed: recipe.Seed, Workers: recipe.Workers, OnBadImage: onBadImage), log);
}
