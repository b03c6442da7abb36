using System.Diagnostics;
using Detr.Runtime.Data.Transforms;
using Detr.Runtime.Imaging;
using Detr.Torch;

namespace Detr.Runtime.Data;

/// <summary>
/// `detr bench data`: images/s through the whole loader (decode + DETR augmentation + render + pad + batch,
/// 8-bit), and through the loader plus the normalisation a CPU training step then does
/// (<see cref="Batch.ImagesOn"/> on the CPU; on a GPU it runs there), against raw libjpeg-turbo decoding to
/// RGB (file read + decode into a reused array per thread, as the loader decodes) of the same files with the
/// same number of threads, in the same run. Also timed:
/// the raw decode to the YCbCr planes the loader itself decodes JPEGs to (<see cref="YCbCrImage"/>), so that
/// the loader's own overhead can be read off as well. All are warmed up by one full pass (files in the page cache,
/// code past the JIT's first tier), then timed <c>repeats</c> times alternately; the medians are compared.
/// A timed pass goes over the images as many times as it takes to last about <c>passSeconds</c> (the same number of
/// times for all four), so that small images are not timed over a fifth of a second of a noisy machine.
/// </summary>
public static class DataBenchmark
{
    public sealed record Result(int Images, int Repeats, int Rounds, double LoaderImagesPerSecond, double DecodeImagesPerSecond,
                                double LoaderSpread, double DecodeSpread, double CpuInputImagesPerSecond, double CpuInputSpread,
                                double PlanesImagesPerSecond, double PlanesSpread)
    {
        /// <summary>The loader against raw decoding to RGB: the measure.</summary>
        public double Ratio => LoaderImagesPerSecond / DecodeImagesPerSecond;

        public double CpuInputRatio => CpuInputImagesPerSecond / DecodeImagesPerSecond;

        /// <summary>The loader against raw decoding to the planes it decodes to itself.</summary>
        public double PlanesRatio => LoaderImagesPerSecond / PlanesImagesPerSecond;
    }

    public static Result Run(CocoDataset dataset, AugmentConfig augment, int workers, int batch, int images, int repeats = 3, double passSeconds = 1.0)
    {
        var n = Math.Min(images, dataset.Count);
        var files = Enumerable.Range(0, n).Select(dataset.ImagePath).ToArray();
        var loader = new DataLoader(dataset, augment.Training(), new LoaderOptions(batch, Shuffle: false, Seed: 0, workers, Prefetch: 2 * workers));
        var batches = (n + batch - 1) / batch;
        var rounds = 1;
        double Decode(bool planes)
        {
            var watch = Stopwatch.StartNew();
            for (var round = 0; round < rounds; round++)
                Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
                {
                    // Into each thread's reused arrays, as the loader decodes (JpegSource): no allocation either side.
                    var bytes = File.ReadAllBytes(files[i]);
                    if (planes) JpegCodec.DecodeYCbCr(bytes, files[i], false, PlaneBuffers.OfThisThread);
                    else JpegCodec.DecodeRgb(bytes, files[i], false, null, n => rgbBuffer is { } r && r.Length >= n ? r : rgbBuffer = new byte[n]);
                });
            return rounds * n / watch.Elapsed.TotalSeconds;
        }
        double Load(int epoch, bool normalise)
        {
            var watch = Stopwatch.StartNew();
            var count = 0;
            for (var round = 0; round < rounds; round++)
                foreach (var b in loader.Epoch(epoch * rounds + round).Take(batches))
                {
                    count += b.Count;
                    if (normalise)
                        using (DisposeScope.Enter())
                            b.ImagesOn(Device.Cpu);
                    b.Dispose();
                }
            return count / watch.Elapsed.TotalSeconds;
        }
        rounds = Math.Max(1, (int)Math.Ceiling(passSeconds * Decode(false) / n));  // from the decode warm-up's rate
        Decode(true);

        Load(0, false);
        Load(0, true);
        var decodeRates = new List<double>();
        var loaderRates = new List<double>();
        var inputRates = new List<double>();
        var planeRates = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            decodeRates.Add(Decode(false));
            planeRates.Add(Decode(true));
            loaderRates.Add(Load(1 + r, false));
            inputRates.Add(Load(1 + r, true));
        }
        return new Result(Math.Min(n, batches * batch), repeats, rounds, Median(loaderRates), Median(decodeRates), Spread(loaderRates), Spread(decodeRates),
                          Median(inputRates), Spread(inputRates), Median(planeRates), Spread(planeRates));
    }

    [ThreadStatic] private static byte[]? rgbBuffer;

    private static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    /// <summary>(max − min) / median of the repetitions.</summary>
    private static double Spread(List<double> xs) => (xs.Max() - xs.Min()) / Median(xs);
}
