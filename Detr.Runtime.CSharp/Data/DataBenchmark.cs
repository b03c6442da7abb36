using System.Diagnostics;
using Detr.Runtime.Data.Transforms;
using Detr.Runtime.Imaging;
using Detr.Torch;

namespace Detr.Runtime.Data;

/// <summary>
/// `detr bench data`: images/s through the whole loader (decode + DETR augmentation + render + pad + batch,
/// 8-bit), and through the loader plus the normalisation a CPU training step then does
/// (<see cref="Batch.ImagesOn"/> on the CPU; on a GPU it runs there), against raw libjpeg-turbo decoding (read + decode, as the loader does) of the same files with the
/// same number of threads, in the same run. Both are warmed up by one full pass (files in the page cache,
/// code past the JIT's first tier), then timed <c>repeats</c> times alternately; the medians are compared.
/// </summary>
public static class DataBenchmark
{
    public sealed record Result(int Images, int Repeats, double LoaderImagesPerSecond, double DecodeImagesPerSecond,
                                double LoaderSpread, double DecodeSpread, double CpuInputImagesPerSecond, double CpuInputSpread)
    {
        public double Ratio => LoaderImagesPerSecond / DecodeImagesPerSecond;

        public double CpuInputRatio => CpuInputImagesPerSecond / DecodeImagesPerSecond;
    }

    public static Result Run(CocoDataset dataset, AugmentConfig augment, int workers, int batch, int images, int repeats = 3)
    {
        var n = Math.Min(images, dataset.Count);
        var files = Enumerable.Range(0, n).Select(dataset.ImagePath).ToArray();
        var loader = new DataLoader(dataset, augment.Training(), new LoaderOptions(batch, Shuffle: false, Seed: 0, workers, Prefetch: 2 * workers));
        var batches = (n + batch - 1) / batch;
        double Decode()
        {
            var watch = Stopwatch.StartNew();
            Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, i => JpegCodec.Decode(File.ReadAllBytes(files[i]), files[i]));
            return n / watch.Elapsed.TotalSeconds;
        }
        double Load(int epoch, bool normalise)
        {
            var watch = Stopwatch.StartNew();
            var count = 0;
            foreach (var b in loader.Epoch(epoch).Take(batches))
            {
                count += b.Count;
                if (normalise)
                    using (DisposeScope.Enter())
                        b.ImagesOn(Device.Cpu);
                b.Dispose();
            }
            return count / watch.Elapsed.TotalSeconds;
        }
        Decode();
        Load(0, false);
        Load(0, true);
        var decodeRates = new List<double>();
        var loaderRates = new List<double>();
        var inputRates = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            decodeRates.Add(Decode());
            loaderRates.Add(Load(1 + r, false));
            inputRates.Add(Load(1 + r, true));
        }
        return new Result(Math.Min(n, batches * batch), repeats, Median(loaderRates), Median(decodeRates), Spread(loaderRates), Spread(decodeRates),
                          Median(inputRates), Spread(inputRates));
    }

    private static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    /// <summary>(max − min) / median of the repetitions.</summary>
    private static double Spread(List<double> xs) => (xs.Max() - xs.Min()) / Median(xs);
}
