using System.Diagnostics;
using Detr.Runtime.Data.Transforms;
using Detr.Runtime.Imaging;

namespace Detr.Runtime.Data;

/// <summary>
/// `detr bench data`: images/s through the whole loader (decode + DETR augmentation + normalise + pad +
/// batch) against raw libjpeg-turbo decoding of the same files with the same number of threads, same run.
/// </summary>
public static class DataBenchmark
{
    public sealed record Result(int Images, double LoaderImagesPerSecond, double DecodeImagesPerSecond)
    {
        public double Ratio => LoaderImagesPerSecond / DecodeImagesPerSecond;
    }

    public static Result Run(CocoDataset dataset, AugmentConfig augment, int workers, int batch, int images)
    {
        var n = Math.Min(images, dataset.Count);
        var files = Enumerable.Range(0, n).Select(dataset.ImagePath).ToArray();
        // Raw decode with the same parallelism: read + decode, as the loader does (files in the page cache for both).
        DecodeAll(files, workers);
        var watch = Stopwatch.StartNew();
        DecodeAll(files, workers);
        var decodeRate = n / watch.Elapsed.TotalSeconds;

        var loader = new DataLoader(dataset, augment.Training(), new LoaderOptions(batch, Shuffle: false, Seed: 0, workers, Prefetch: 2 * workers));
        var batches = (n + batch - 1) / batch;
        foreach (var b in loader.Epoch(0).Take(Math.Min(2, batches))) b.Dispose(); // warm-up
        watch.Restart();
        var count = 0;
        foreach (var b in loader.Epoch(1).Take(batches))
        {
            count += b.Count;
            b.Dispose();
        }
        return new Result(count, count / watch.Elapsed.TotalSeconds, decodeRate);
    }

    private static void DecodeAll(string[] files, int workers) =>
        Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, i => JpegCodec.Decode(File.ReadAllBytes(files[i]), files[i]));
}
