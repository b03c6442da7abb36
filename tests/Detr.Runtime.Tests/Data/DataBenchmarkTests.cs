using Detr.Runtime.Data;
using Detr.Runtime.Data.Transforms;

namespace Detr.Runtime.Tests.Data;

/// <summary>`detr bench data`'s measurement: every path runs over the same images and reports a rate.</summary>
public class DataBenchmarkTests
{
    [Fact]
    public void The_data_benchmark_times_both_decodes_the_loader_and_cpu_input_over_the_same_images()
    {
        var dataset = CocoDataset.FromLayout(DataLoaderTests.Root.Value, "train");
        var r = DataBenchmark.Run(dataset, AugmentConfig.Scaled(0.1), workers: 2, batch: 4, images: 30, repeats: 1, passSeconds: 0.05);
        Assert.Equal(30, r.Images);
        Assert.True(r.DecodeImagesPerSecond > 0 && r.LoaderImagesPerSecond > 0 && r.CpuInputImagesPerSecond > 0 && r.PlanesImagesPerSecond > 0);
        Assert.Equal(r.LoaderImagesPerSecond / r.PlanesImagesPerSecond, r.PlanesRatio, 9);
        Assert.Equal(r.LoaderImagesPerSecond / r.DecodeImagesPerSecond, r.Ratio, 9);
        Assert.Equal(r.CpuInputImagesPerSecond / r.DecodeImagesPerSecond, r.CpuInputRatio, 9);   // one repetition: its own ratio
        Assert.True(r.LoaderBytesPerImage > 0 && r.LoaderCollectionsPerSecond >= 0 && r.LoaderPauseShare is >= 0 and <= 1);
    }
}
