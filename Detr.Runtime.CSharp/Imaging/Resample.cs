using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Detr.Runtime.Imaging;

/// <summary>
/// Antialiased bilinear resampling as PIL's <c>Image.resize(..., BILINEAR)</c> (which torchvision's resize
/// of PIL images uses in the DETR reference): a triangle filter widened by the downscale factor, separable,
/// coefficients computed once per output row/column, in double precision. The renderer
/// (<see cref="ViewRenderer"/>) applies them in 16-bit fixed point, PIL in its own (22-bit) fixed point:
/// the two can differ by one level.
/// </summary>
public static unsafe class Resample
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
    internal static Taps Coefficients(double start, double length, int sourceSize, int outSize, bool flip) =>
        Coefficients(start, length, sourceSize, outSize, flip, null);

    /// <summary>
    /// <see cref="Coefficients(double, double, int, int, bool)"/> into <paramref name="arrays"/> (reused; the taps are
    /// valid until their next use), or into new arrays when null. Reused arrays are longer than the taps need and
    /// keep stale values past each output's tap count, which no reader looks at.
    /// </summary>
    private static Taps Coefficients(double start, double length, int sourceSize, int outSize, bool flip, TapArrays? arrays)
    {
        var scale = length / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filterScale;                       // bilinear: support 1, widened when shrinking
        var inverseScale = 1 / filterScale;
        var maxTaps = (int)Math.Ceiling(support) * 2 + 1;
        var lo = Math.Max(0, (int)Math.Floor(start + 1e-9));
        var hi = Math.Min(sourceSize, (int)Math.Ceiling(start + length - 1e-9));
        var (starts, counts, fixedWeights, offsets) = arrays is { } a
            ? (a.Starts(outSize), a.Counts(outSize), a.Weights(outSize * maxTaps), a.Offsets(outSize))
            : (new int[outSize], new int[outSize], new short[outSize * maxTaps], new int[outSize]);
        var w = stackalloc double[maxTaps];
        // Pointers rather than indexing, and the roundings as single SSE instructions (Floor, Round): the same
        // arithmetic (bit-identical taps) at about half the time, which a random crop's taps spend on every image.
        fixed (int* startOf = starts, countOf = counts)
        fixed (short* weightsOf = fixedWeights)
            for (var o = 0; o < outSize; o++)
            {
                var centre = flip ? start + length - (o + 0.5) * scale : start + (o + 0.5) * scale;
                var min = Math.Max(Floor(centre - support + 0.5), lo);
                var max = Math.Min(Floor(centre + support + 0.5), hi);
                var n = Math.Clamp(max - min, 0, maxTaps);
                double sum = 0;
                for (var i = 0; i < n; i++)
                {
                    var x = Math.Abs(i + min - centre + 0.5) * inverseScale;
                    var weight = x < 1 ? 1 - x : 0;
                    w[i] = weight;
                    sum += weight;
                }
                if (sum <= 0) // the interval is narrower than a pixel: take the nearest one
                {
                    min = Math.Clamp(Floor(centre), lo, Math.Max(lo, hi - 1));
                    n = 1;
                    w[0] = sum = 1;
                }
                // Zero-weight taps at either end (a tap exactly one filter width away) add nothing: trimmed, so an
                // upscale reads two source pixels per output, not three.
                var first = 0;
                while (first < n - 1 && w[first] == 0) first++;
                while (n - 1 > first && w[n - 1] == 0) n--;
                startOf[o] = min + first;
                countOf[o] = n - first;
                var normaliser = 1 / sum * 32768;               // exactly (w · (1/sum)) · 32768: a power of two scales exactly
                var row = weightsOf + o * maxTaps - first;
                for (var i = first; i < n; i++) row[i] = (short)Math.Min(short.MaxValue, Round(w[i] * normaliser));
            }
        int lowest = int.MaxValue, highest = 0;
        for (var o = 0; o < outSize; o++)
        {
            lowest = Math.Min(lowest, starts[o]);
            highest = Math.Max(highest, starts[o] + counts[o]);
        }
        for (var o = 0; o < outSize; o++) offsets[o] = starts[o] - lowest;
        return new Taps(starts, counts, fixedWeights, maxTaps, lowest, highest, offsets);
    }

    /// <summary>⌊x⌋ of a double in int's range: one roundsd and one cvttsd2si (the checked conversion of (int)Math.Floor takes six).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Floor(double x) =>
        Sse41.IsSupported ? Sse2.ConvertToInt32WithTruncation(Sse41.RoundToNegativeInfinityScalar(Vector128.CreateScalarUnsafe(x))) : (int)Math.Floor(x);

    /// <summary>x rounded half to even (Math.Round's default) for a double in int's range: cvtsd2si in the default rounding mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Round(double x) => Sse2.IsSupported ? Sse2.ConvertToInt32(Vector128.CreateScalarUnsafe(x)) : (int)Math.Round(x);

    /// <summary>
    /// <see cref="Coefficients(double, double, int, int, bool)"/> through a small per-thread cache: a loader's views
    /// repeat the same few resizes of same-sized images, and the taps are read-only once built. A random crop's
    /// taps (an interval that does not start at 0) almost never repeat: they are computed into this thread's
    /// reused arrays of <paramref name="scratchSlot"/> (one per set of taps a render holds at once), valid until
    /// the thread's next crop taps of that slot. Cached, they filled the cache and were copied by every garbage
    /// collection that found them there; allocated per render, they were most of the loader's garbage.
    /// </summary>
    internal static Taps CachedCoefficients(double start, double length, int sourceSize, int outSize, bool flip, int scratchSlot)
    {
        if (start != 0) return Coefficients(start, length, sourceSize, outSize, flip, TapArrays.OfThisThread(scratchSlot));
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

    /// <summary>A thread's reusable arrays for one set of taps, grown as needed.</summary>
    private sealed class TapArrays
    {
        [ThreadStatic] private static TapArrays[]? ofThisThread;

        private int[]? starts, counts, offsets;
        private short[]? weights;

        public static TapArrays OfThisThread(int slot)
        {
            var slots = ofThisThread ??= [];
            if (slot >= slots.Length)
            {
                Array.Resize(ref slots, slot + 1);
                ofThisThread = slots;
            }
            return slots[slot] ??= new TapArrays();
        }

        public int[] Starts(int n) => ReusedArray.Fit(ref starts, n);

        public int[] Counts(int n) => ReusedArray.Fit(ref counts, n);

        public int[] Offsets(int n) => ReusedArray.Fit(ref offsets, n);

        public short[] Weights(int n) => ReusedArray.Fit(ref weights, n);
    }

    /// <summary>Resizes to (width, height).</summary>
    public static RgbImage Resize(RgbImage source, int width, int height) => ImageView.Of(source).Resize(width, height).Materialize();
}
