namespace Detr.Runtime.Imaging;

/// <summary>
/// Antialiased bilinear resampling as PIL's <c>Image.resize(..., BILINEAR)</c> (which torchvision's resize
/// of PIL images uses in the DETR reference): a triangle filter widened by the downscale factor, separable,
/// coefficients computed once per output row/column, in double precision. The renderer
/// (<see cref="ViewRenderer"/>) applies them in 16-bit fixed point, PIL in its own (22-bit) fixed point:
/// the two can differ by one level.
/// </summary>
public static class Resample
{
    /// <summary>
    /// Per output index: first source index, tap count and normalised weights (MaxTaps per row) as signed 16-bit
    /// fractions of 32768 (a weight of 1 is 32767); the source indices [Lo, Hi) that any tap reads, and per
    /// output its first one relative to Lo (Offsets = Start − Lo).
    /// </summary>
    internal readonly record struct Taps(int[] Start, int[] Count, short[] Fixed, int MaxTaps, int Lo, int Hi, int[] Offsets);

    /// <summary>
    /// Taps mapping the source interval [start, start + length) (pixels, may be fractional, e.g. after a
    /// crop of a resized image) onto <paramref name="outSize"/> outputs; mirrored when <paramref name="flip"/>.
    /// Taps are clipped to the interval's pixels, as resampling a crop only sees the crop.
    /// </summary>
    internal static Taps Coefficients(double start, double length, int sourceSize, int outSize, bool flip)
    {
        var scale = length / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filterScale;                       // bilinear: support 1, widened when shrinking
        var inverseScale = 1 / filterScale;
        var maxTaps = (int)Math.Ceiling(support) * 2 + 1;
        var lo = Math.Max(0, (int)Math.Floor(start + 1e-9));
        var hi = Math.Min(sourceSize, (int)Math.Ceiling(start + length - 1e-9));
        var starts = new int[outSize];
        var counts = new int[outSize];
        var fixedWeights = new short[outSize * maxTaps];
        Span<double> w = stackalloc double[maxTaps];
        for (var o = 0; o < outSize; o++)
        {
            var centre = flip ? start + length - (o + 0.5) * scale : start + (o + 0.5) * scale;
            var min = Math.Max((int)Math.Floor(centre - support + 0.5), lo);
            var max = Math.Min((int)Math.Floor(centre + support + 0.5), hi);
            var n = Math.Clamp(max - min, 0, maxTaps);
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                var x = Math.Abs(i + min - centre + 0.5) * inverseScale;
                w[i] = x < 1 ? 1 - x : 0;
                sum += w[i];
            }
            if (sum <= 0) // the interval is narrower than a pixel: take the nearest one
            {
                min = Math.Clamp((int)Math.Floor(centre), lo, Math.Max(lo, hi - 1));
                n = 1;
                w[0] = sum = 1;
            }
            // Zero-weight taps at either end (a tap exactly one filter width away) add nothing: trimmed, so an
            // upscale reads two source pixels per output, not three.
            var first = 0;
            while (first < n - 1 && w[first] == 0) first++;
            while (n - 1 > first && w[n - 1] == 0) n--;
            starts[o] = min + first;
            counts[o] = n - first;
            var normaliser = 1 / sum;
            for (var i = first; i < n; i++)
            {
                fixedWeights[o * maxTaps + i - first] = (short)Math.Min(short.MaxValue, Math.Round(w[i] * normaliser * 32768));
            }
        }
        int lowest = int.MaxValue, highest = 0;
        for (var o = 0; o < outSize; o++)
        {
            lowest = Math.Min(lowest, starts[o]);
            highest = Math.Max(highest, starts[o] + counts[o]);
        }
        var offsets = new int[outSize];
        for (var o = 0; o < outSize; o++) offsets[o] = starts[o] - lowest;
        return new Taps(starts, counts, fixedWeights, maxTaps, lowest, highest, offsets);
    }

    /// <summary>
    /// <see cref="Coefficients"/> through a small per-thread cache: a loader's views repeat the same few
    /// resizes of same-sized images, and the taps are read-only once built. A random crop's taps (an interval
    /// that does not start at 0) almost never repeat: they are computed and not cached, so that they die young
    /// instead of filling the cache and being copied by every garbage collection that finds them there.
    /// </summary>
    internal static Taps CachedCoefficients(double start, double length, int sourceSize, int outSize, bool flip)
    {
        if (start != 0) return Coefficients(start, length, sourceSize, outSize, flip);
        var key = (start, length, sourceSize, outSize, flip);
        var recent = recentTaps ??= [];
        if (recent.TryGetValue(key, out var taps)) return taps;
        if (olderTaps is null || !olderTaps.TryGetValue(key, out taps)) taps = Coefficients(start, length, sourceSize, outSize, flip);
        if (recent.Count >= MaxCachedTaps)
        {
            // Two generations: the full one becomes the older, and the taps still in use (the few resizes a
            // recipe repeats) move back into the new one on their next lookup, while one-off crops age out.
            olderTaps = recent;
            recentTaps = recent = [];
        }
        recent[key] = taps;
        return taps;
    }

    private const int MaxCachedTaps = 256;

    [ThreadStatic] private static Dictionary<(double, double, int, int, bool), Taps>? recentTaps, olderTaps;

    /// <summary>Resizes to (width, height).</summary>
    public static RgbImage Resize(RgbImage source, int width, int height) => ImageView.Of(source).Resize(width, height).Materialize();
}
