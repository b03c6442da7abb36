using Detr.Runtime.Data;
using Detr.Runtime.Data.Transforms;
using Detr.Torch;

namespace Detr.Runtime.Tests.Data;

/// <summary>Issue #5, acceptance 3 and bad-data handling.</summary>
public class DataLoaderTests
{
    internal static readonly Lazy<string> Root = new(() =>
    {
        var dir = TestScratch.Path($"synth-loader-{Guid.NewGuid():N}");
        SyntheticDataset.Write(dir, new SyntheticOptions(Train: 40, Val: 4, Size: 64, Seed: 3));
        return dir;
    });

    private static List<byte[]> Epoch(int workers, int epoch)
    {
        var dataset = CocoDataset.FromLayout(Root.Value, "train");
        var loader = new DataLoader(dataset, AugmentConfig.Scaled(0.1).Training(), new LoaderOptions(BatchSize: 4, Shuffle: true, Seed: 11, workers));
        var bytes = new List<byte[]>();
        foreach (var batch in loader.Epoch(epoch))
        {
            using (batch)
            {
                bytes.Add(batch.Pixels.ToBytes());
                bytes.Add(batch.Mask.ToBytes());
                foreach (var t in batch.Targets) { bytes.Add(t.Labels.ToBytes()); bytes.Add(t.Boxes.ToBytes()); }
                bytes.Add(batch.ImageIds.SelectMany(BitConverter.GetBytes).ToArray());
            }
        }
        return bytes;
    }

    [Fact]
    public void Same_seed_gives_byte_identical_batches_with_one_and_four_workers()
    {
        var one = Epoch(1, epoch: 2);
        var four = Epoch(4, epoch: 2);
        Assert.Equal(one.Count, four.Count);
        for (var i = 0; i < one.Count; i++) Assert.Equal(one[i], four[i]);
        var otherEpoch = Epoch(2, epoch: 3);
        Assert.NotEqual(one[0], otherEpoch[0]); // a new epoch reshuffles and re-augments
    }

    [Fact]
    public void A_corrupt_image_is_skipped_logged_once_and_counted()
    {
        var dir = TestScratch.Path($"synth-bad-{Guid.NewGuid():N}");
        SyntheticDataset.Write(dir, new SyntheticOptions(Train: 8, Val: 1, Size: 64, Seed: 5));
        var victim = Path.Combine(dir, "train2017", "000000000003.jpg");
        File.WriteAllBytes(victim, File.ReadAllBytes(victim)[..200]);
        File.Delete(Path.Combine(dir, "train2017", "000000000006.jpg"));
        var messages = new List<string>();
        var loader = new DataLoader(CocoDataset.FromLayout(dir, "train"), AugmentConfig.Scaled(0.1).Validation(),
                                    new LoaderOptions(4, Shuffle: false, Seed: 0, Workers: 2), m => { lock (messages) messages.Add(m); });
        var ids = new List<long[]>();
        foreach (var b in loader.Epoch(0)) using (b) ids.Add(b.ImageIds);
        // Each bad image is replaced by the next sample in the epoch's order: the truncated 3 (its header reads,
        // its data fails when the batch renders it) by 4, the missing 6 (fails to load) by 7.
        Assert.Equal([1, 2, 4, 4], ids[0]);
        Assert.Equal([5, 7, 7, 8], ids[1]);
        Assert.True(2 == loader.BadImages, string.Join("\n", messages));
        Assert.Equal(2, messages.Count);
        Assert.Contains(messages, m => m.Contains("000000000003.jpg") && m.Contains("JPEG"));
        Assert.Contains(messages, m => m.Contains("000000000006.jpg") && m.Contains("missing image file"));

        var strict = new DataLoader(CocoDataset.FromLayout(dir, "train"), AugmentConfig.Scaled(0.1).Validation(),
                                    new LoaderOptions(4, false, 0, 2, OnBadImage: BadImagePolicy.Fail));
        var e = Assert.Throws<Detr.Runtime.Imaging.ImageDecodeException>(() => { foreach (var b in strict.Epoch(0)) b.Dispose(); });
        Assert.Contains("000000000003.jpg", e.Message);
    }

    [Fact]
    public void Crowd_annotations_are_kept_for_evaluation_but_not_returned_as_targets()
    {
        var dir = TestScratch.Path($"synth-crowd-{Guid.NewGuid():N}");
        SyntheticDataset.Write(dir, new SyntheticOptions(Train: 2, Val: 1, Size: 64, Seed: 9, MinObjects: 2, MaxObjects: 2));
        var path = Path.Combine(dir, "annotations", "instances_train2017.json");
        var json = File.ReadAllText(path);
        var first = json.IndexOf("\"iscrowd\":0", StringComparison.Ordinal);
        File.WriteAllText(path, json[..first] + "\"iscrowd\":1" + json[(first + "\"iscrowd\":0".Length)..]);
        var dataset = CocoDataset.FromLayout(dir, "train");
        Assert.Equal(2, dataset.Images[0].Objects.Count);
        Assert.Equal(1, dataset.Load(0).Count);
        Assert.Equal(7, dataset.Classes); // category ids 1..6 kept as given: max id + 1
    }

    [Fact]
    public void A_dataset_cut_to_its_first_images_loads_them_as_the_whole_one_does()
    {
        var dataset = CocoDataset.FromLayout(Root.Value, "train");
        var first = dataset.FirstImages(5);
        Assert.Equal(5, first.Count);
        Assert.Equal(dataset.Images.Take(5), first.Images);
        Assert.Equal(dataset.Categories, first.Categories);
        Assert.Equal(dataset.ImagePath(4), first.ImagePath(4));
        Assert.Equal(dataset.Load(3).Boxes, first.Load(3).Boxes);
        Assert.Same(dataset, dataset.FirstImages(dataset.Count + 1));
        var loader = new DataLoader(first, AugmentConfig.Scaled(0.1).Training(), new LoaderOptions(BatchSize: 2, Shuffle: true, Seed: 1));
        Assert.Equal(5, loader.Epoch(0).Sum(b => { using (b) return b.Count; }));
    }
}
