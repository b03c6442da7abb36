using System.Diagnostics;
using Detr.Runtime.Data.Transforms;
using Detr.Runtime.Imaging;
using Detr.Torch;

namespace Detr.Runtime.Data;

/// <summary>
/// `detr bench data`: images/s through the whole loader (decode + DETR augmentation + render + pad + batch,
/// 8-bit), and through the loader plus the normalisation a CPU training step then does
/// (<see cref="Batch.ImagesOn"/> on the CPU; on a GPU it runs there), against raw libjpeg-turbo decoding to
/// RGB (file read into a rented array + decode into a reused array per thread, as the loader reads and decodes) of the same files with the
/// same number of threads, in the same run. Also timed:
/// the raw decode to the YCbCr planes the loader itself decodes JPEGs to (<see cref="YCbCrImage"/>), so that
/// the loader's own overhead can be read off as well. All are warmed up by one full pass (files in the page cache,
/// code past the JIT's first tier), then timed <c>repeats</c> times alternately; the ratios are medians of
/// the ratios of adjacent passes (<see cref="Result.Ratio"/>).
/// A timed pass goes over the images as many times as it takes to last about <c>passSeconds</c> (the same number of
/// times for all four), so that small images are not timed over a fifth of a second of a noisy machine.
/// The garbage collections during the timed loader passes are counted, with the share of the time the
/// process was paused for them (every thread stops for a collection) and the bytes allocated per image.
/// </summary>
public static class DataBenchmark
{
    public sealed record Result(int Images, int Repeats, int Rounds, double LoaderImagesPerSecond, double DecodeImagesPerSecond,
                                double LoaderSpread, double DecodeSpread, double CpuInputImagesPerSecond, double CpuInputSpread,
                                double PlanesImagesPerSecond, double PlanesSpread, double LoaderCollectionsPerSecond, double LoaderPauseShare, double LoaderBytesPerImage)
    {
        /// <summary>
        /// The loader against raw decoding to RGB, the measure: the median over the repetitions of the
        /// loader's rate over the decode's in the pass just before it (the machine's speed drifts between
        /// repetitions; two adjacent passes see nearly the same machine).
        /// </summary>
        public required double Ratio { get; init; }

        /// <summary>The loader plus normalisation against raw decoding to RGB, the median of each repetition's ratio.</summary>
        public required double CpuInputRatio { get; init; }

        /// <summary>The loader against raw decoding to the planes it decodes to itself, paired as <see cref="Ratio"/>.</summary>
        public required double PlanesRatio { get; init; }
    }

    public static Result Run(CocoDataset dataset, AugmentConfig augment, int workers, int batch, int images, int repeats = 5, double passSeconds = 1.0)
    {
        var n = Math.Min(images, dataset.Count);
        var files = Enumerable.Range(0, n).Select(dataset.ImagePath).ToArray();
        // The loader over exactly these images, each pass whole epochs of them: an epoch left after its first n
        // images (a larger dataset's) stops workers that have already claimed the next batches, whose work
        // is then thrown away (2-3% of a pass at 1000 images), which a training run never does.
        var loader = new DataLoader(dataset.FirstImages(n), augment.Training(), new LoaderOptions(batch, Shuffle: false, Seed: 0, workers, Prefetch: 2 * workers));
        var rounds = 1;
        double Decode(bool planes)
        {
            var watch = Stopwatch.StartNew();
            for (var round = 0; round < rounds; round++)
                Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
                {
                    // The file read into a rented array and decoded into each thread's reused arrays, as the loader
                    // reads and decodes (JpegSource): no allocation either side.
                    var bytes = FileBytes.ReadPooled(files[i]);
                    if (planes) JpegCodec.DecodeYCbCr(bytes.Span, files[i], false, PlaneBuffers.OfThisThread);
                    else JpegCodec.DecodeRgb(bytes.Span, files[i], false, null, n => rgbBuffer is { } r && r.Length >= n ? r : rgbBuffer = new byte[n]);
                    bytes.Release();
                });
            return rounds * n / watch.Elapsed.TotalSeconds;
        }
        var (loaderSeconds, loaderCollections, loaderPause, loaderBytes, loaderImages) = (0.0, 0, TimeSpan.Zero, 0L, 0L);
        double Load(int epoch, bool normalise)
        {
            var (collections, pause, allocated) = (GC.CollectionCount(0), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
            var watch = Stopwatch.StartNew();
            var count = 0;
            for (var round = 0; round < rounds; round++)
                foreach (var b in loader.Epoch(epoch * rounds + round))
                {
                    count += b.Count;
                    if (normalise)
                        using (DisposeScope.Enter())
                            b.ImagesOn(Device.Cpu);
                    b.Dispose();
                }
            if (!normalise)
            {
                loaderSeconds += watch.Elapsed.TotalSeconds;
                loaderCollections += GC.CollectionCount(0) - collections;
                loaderPause += GC.GetTotalPauseDuration() - pause;
                loaderBytes += GC.GetTotalAllocatedBytes() - allocated;
                loaderImages += count;
            }
            return count / watch.Elapsed.TotalSeconds;
        }
        rounds = Math.Max(1, (int)Math.Ceiling(passSeconds * Decode(false) / n));  // from the decode warm-up's rate
        Decode(true);

        Load(0, false);
        Load(0, true);
        (loaderSeconds, loaderCollections, loaderPause, loaderBytes, loaderImages) = (0.0, 0, TimeSpan.Zero, 0L, 0L);  // the timed passes only
        var decodeRates = new List<double>();
        var loaderRates = new List<double>();
        var inputRates = new List<double>();
        var planeRates = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            // Each rate next to the one it is compared with: decode, loader, planes, loader + normalisation.
            decodeRates.Add(Decode(false));
            loaderRates.Add(Load(1 + r, false));
            planeRates.Add(Decode(true));
            inputRates.Add(Load(1 + r, true));
        }
        List<double> Paired(List<double> xs, List<double> ys) => [.. xs.Zip(ys, (x, y) => x / y)];
        return new Result((int)(loaderImages / (repeats * rounds)), repeats, rounds, Median(loaderRates), Median(decodeRates), Spread(loaderRates), Spread(decodeRates),
                          Median(inputRates), Spread(inputRates), Median(planeRates), Spread(planeRates),
                          loaderCollections / loaderSeconds, loaderPause.TotalSeconds / loaderSeconds, (double)loaderBytes / loaderImages)
        {
            Ratio = Median(Paired(loaderRates, decodeRates)),
            PlanesRatio = Median(Paired(loaderRates, planeRates)),
            CpuInputRatio = Median(Paired(inputRates, decodeRates)),
        };
    }

    [ThreadStatic] private static byte[]? rgbBuffer;

    private static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    /// <summary>(max − min) / median of the repetitions.</summary>
    private static double Spread(List<double> xs) => (xs.Max() - xs.Min()) / Median(xs);
}
