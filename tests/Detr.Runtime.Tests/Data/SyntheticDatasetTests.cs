using Detr.Runtime.Data;

namespace Detr.Runtime.Tests.Data;

/// <summary>The synthetic dataset is recognised by its annotations, whatever its folder is called.</summary>
public class SyntheticDatasetTests
{
    [Fact]
    public void A_generated_dataset_is_recognised_and_a_copy_of_it_too()
    {
        Assert.True(SyntheticDataset.IsSynthetic(DataLoaderTests.Root.Value));
        var copy = TestScratch.Folder("renamed-synthetic");
        Directory.CreateDirectory(Path.Combine(copy, "annotations"));
        File.Copy(Path.Combine(DataLoaderTests.Root.Value, "annotations", "instances_train2017.json"), Path.Combine(copy, "annotations", "instances_train2017.json"));
        Assert.True(SyntheticDataset.IsSynthetic(copy));
    }

    [Theory]
    [InlineData("{\"info\": {\"description\": \"COCO 2017 Dataset\"}, \"images\": []}")]
    [InlineData("{\"images\": [], \"info\": {\"description\": \"Detr.Dsl synthetic\"}}")]
    [InlineData("not json")]
    [InlineData(null)]
    public void Other_annotations_or_none_are_not(string? annotations)
    {
        var root = TestScratch.Folder("not-synthetic");
        if (annotations is not null)
        {
            Directory.CreateDirectory(Path.Combine(root, "annotations"));
            File.WriteAllText(Path.Combine(root, "annotations", "instances_train2017.json"), annotations);
        }
        Assert.False(SyntheticDataset.IsSynthetic(root));
    }
}
