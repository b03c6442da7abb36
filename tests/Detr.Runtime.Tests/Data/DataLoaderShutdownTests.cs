using Detr.Runtime.Data;
using Detr.Runtime.Data.Transforms;
using Detr.Torch;

namespace Detr.Runtime.Tests.Data;

/// <summary>
/// Issue #5: leaving an epoch early frees what the workers prefetched. It compares the process-wide
/// live-tensor count, so it runs alone (any test creating tensors on a parallel thread would move it).
/// </summary>
[Collection(LiveCountCollection.Name)]
public class DataLoaderShutdownTests
{
    [Fact]
    public void Leaving_an_epoch_early_stops_the_workers_and_frees_prefetched_batches()
    {
        var dataset = CocoDataset.FromLayout(DataLoaderTests.Root.Value, "train");
        LiveCountCollection.SettleFinalizers();
        var before = Tensor.LiveCount;
        var loader = new DataLoader(dataset, AugmentConfig.Scaled(0.1).Training(), new LoaderOptions(2, true, 1, Workers: 3, Prefetch: 4));
        foreach (var b in loader.Epoch(0)) { b.Dispose(); break; }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
