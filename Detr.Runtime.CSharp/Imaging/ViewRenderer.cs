using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Detr.Runtime.Imaging;

/// <summary>
/// Renders an <see cref="ImageView"/> into three 8-bit planes (channel-first, as the batch tensor) in 16-bit
/// fixed point, as Pillow's resampling does in 8-bit images' integer arithmetic: a vertical pass turns the
/// source's 8-bit rows into rows of values with 7 fractional bits (only the columns the horizontal taps
/// touch), a horizontal pass turns those into the output rows, rounded half up to 8 bits.
/// Normalisation with ImageNet's mean and std happens on the device, on the whole batch
/// (<see cref="Data.Batch.ImagesOn"/>): a quarter of the bytes to write, pad and copy here.
/// <para>
/// Two kinds of source (<see cref="DecodedImage"/>): interleaved RGB is resampled as one plane of three
/// channels; a JPEG's YCbCr planes (<see cref="YCbCrImage"/>) are each resampled from their own resolution
/// (chroma subsampled) to the output size and converted to RGB after, still in fixed point
/// (<see cref="ToRgb"/>): libjpeg-turbo then does neither its chroma upsampling nor its colour conversion.
/// </para>
/// <para>
/// The arithmetic, per tap: value × weight as a signed 16 × 16-bit product rounded to its high half
/// (<see cref="MulHighRound"/>, x86's pmulhrsw: values carry 7 fractional bits, weights are fractions of
/// 32768), summed with saturation. Every step is exact integer arithmetic, so the scalar path and the AVX2
/// path (sixteen rows at a time) give bit-identical planes (tested), and the result is within one level of the
/// filter evaluated in double precision (tested): each product is off by at most half a 128th of a level, and
/// products that are exact (an upscale's weights of 1/4 and 3/4) stay exact, so an exact half still rounds up.
/// </para>
/// <para>
/// With AVX2 both passes run on sixteen 16-bit values at a time without gathers (slow on many CPUs): output
/// rows go in blocks of sixteen; the block's rows are transposed in 16×16 tiles so that one source column of
/// the sixteen rows is sixteen contiguous values, the horizontal taps then become plain vector loads, and the
/// result is packed to bytes and transposed back (<see cref="Tile16"/>). The kernels are compiled fully
/// optimised from their first call (AggressiveOptimization): a loader's first batches would otherwise run
/// tier-0 code.
/// </para>
/// </summary>
internal static unsafe class ViewRenderer
{
    private const int Lanes = 16;                // output rows per block: one 16-bit value per row in a 256-bit vector

    public static void Render(ImageView view, Span<byte> planes, int planeWidth, int planeHeight, bool vectorised = true)
    {
        var (width, height) = (view.Width, view.Height);
        if (planes.Length < 3 * planeWidth * planeHeight || width > planeWidth || height > planeHeight)
            throw new ArgumentException($"a {width}x{height} view does not fit {planeWidth}x{planeHeight} planes");
        if (view.Source is JpegSource jpeg)
        {
            // Decoded at the smallest scale (eighths/8) that still oversamples the view, the region scaled with it.
            var eighths = JpegSource.DecodeEighths(view);
            var s = eighths / 8.0;
            Render(view with { Source = jpeg.DecodeForRendering(eighths), SourceX = view.SourceX * s, SourceY = view.SourceY * s,
                               SourceWidth = view.SourceWidth * s, SourceHeight = view.SourceHeight * s },
                   planes, planeWidth, planeHeight, vectorised);
            return;
        }
        Plane[] sources = view.Source switch
        {
            RgbImage rgb => [Plane.Of(view, rgb.Pixels, rgb.Width * 3, 3, rgb.Width, rgb.Height, 1, 1)],
            YCbCrImage { IsGray: true } g => [Plane.Of(view, g.Luma, g.LumaStride, 1, g.Width, g.Height, 1, 1)],
            YCbCrImage c => YCbCrPlanes(view, c),
            _ => throw new ArgumentException($"cannot render a {view.Source.GetType().Name}"),
        };
        var pass = new Pass(sources, planeWidth, planeWidth * planeHeight, width, height);
        fixed (byte* dst = planes)
        {
            if (vectorised && Avx2.IsSupported) pass.Vectorised(dst);
            else pass.Scalar(dst);
        }
    }

    /// <summary>Luma, Cb and Cr, the chroma planes sharing their taps (computed once: a random crop's are not cached).</summary>
    private static Plane[] YCbCrPlanes(ImageView view, YCbCrImage c)
    {
        var cb = Plane.Of(view, c.Cb!, c.ChromaStride, 1, c.ChromaWidth, c.ChromaHeight, c.SubsampleX, c.SubsampleY, scratch: 1);
        return [Plane.Of(view, c.Luma, c.LumaStride, 1, c.Width, c.Height, 1, 1), cb, cb with { Pixels = c.Cr! }];
    }

    /// <summary>(a · w) / 32768 rounded half up, as pmulhrsw: a value with 7 fractional bits times a weight in 1/32768.</summary>
    private static short MulHighRound(short a, short w) => (short)((a * w + 0x4000) >> 15);

    private static short AddSaturate(short a, short b) => (short)Math.Clamp(a + b, short.MinValue, short.MaxValue);

    private static short SubtractSaturate(short a, short b) => (short)Math.Clamp(a - b, short.MinValue, short.MaxValue);

    /// <summary>A byte as a value with 7 fractional bits.</summary>
    private static short Widen(byte v) => (short)(v << 7);

    /// <summary>A value with 7 fractional bits rounded half up to a level, clamped to 0..255.</summary>
    private static short Level(short sum) => (short)Math.Clamp(AddSaturate(sum, 64) >> 7, 0, 255);

    // JFIF's YCbCr → RGB (libjpeg jdcolor.c): R = Y + 1.402 Cr', G = Y − 0.34414 Cb' − 0.71414 Cr',
    // B = Y + 1.772 Cb', with Cb' = Cb − 128 and Cr' = Cr − 128. The factors as fractions of 32768 for
    // MulHighRound; 1.402 = 1 + 0.402 and 1.772 = 2 − 0.228 keep every product and sum inside 16 bits.
    private const short Cr402 = 13173, Cb34414 = 11277, Cr71414 = 23401, Cb228 = 7471;
    private const short ChromaZero = 128 << 7;                        // chroma's zero, 128, with 7 fractional bits

    /// <summary>
    /// One pixel's luma and chroma (7 fractional bits, resampled) to R, G, B levels. Each output is luma plus
    /// one saturating sum of chroma terms, so saturation only ever clamps what is out of 0..255 anyway.
    /// </summary>
    private static (short R, short G, short B) ToRgb(short y, short cb, short cr)
    {
        var db = SubtractSaturate(cb, ChromaZero);
        var dr = SubtractSaturate(cr, ChromaZero);
        var r = AddSaturate(y, AddSaturate(dr, MulHighRound(dr, Cr402)));
        var g = SubtractSaturate(y, AddSaturate(MulHighRound(db, Cb34414), MulHighRound(dr, Cr71414)));
        var b = AddSaturate(y, SubtractSaturate(AddSaturate(db, db), MulHighRound(db, Cb228)));
        return (Level(r), Level(g), Level(b));
    }

    /// <summary>
    /// Per-thread working buffers, grown as needed and reused: a loader renders thousands of images per
    /// second per worker. Stale contents of the rows of a short last block are computed with, never stored.
    /// </summary>
    private static class Scratch
    {
        [ThreadStatic] private static short[]? rows, columns, outputs;

        public static short[] Rows(int length) => ReusedArray.Fit(ref rows, length);

        public static short[] Columns(int length) => ReusedArray.Fit(ref columns, length);

        public static short[] Outputs(int length) => ReusedArray.Fit(ref outputs, length);
    }

    /// <summary>
    /// One source plane (8-bit, <see cref="Channels"/> values per pixel interleaved) with the taps mapping it
    /// onto the output. A working row holds the values of the source columns [Hx.Lo, Hx.Hi), the ones the
    /// horizontal taps touch; output column x's first value in it is Hx.Offsets[x] · Channels.
    /// </summary>
    private readonly record struct Plane(byte[] Pixels, int Stride, int Channels, Resample.Taps Hx, Resample.Taps Vy)
    {
        /// <summary>
        /// The view's region mapped onto a plane of width × height samples, each covering subsampleX ×
        /// subsampleY source pixels (chroma), so that sample i's centre is at pixel (i + ½) · subsample.
        /// <paramref name="scratch"/>: which of the thread's reused tap arrays a crop's taps go to (two per plane
        /// that has its own taps, <see cref="Resample.CachedCoefficients"/>).
        /// </summary>
        public static Plane Of(ImageView view, byte[] pixels, int stride, int channels, int width, int height, int subsampleX, int subsampleY, int scratch = 0) =>
            new(pixels, stride, channels,
                Resample.CachedCoefficients(view.SourceX / subsampleX, view.SourceWidth / subsampleX, width, view.Width, view.Flipped, 2 * scratch),
                Resample.CachedCoefficients(view.SourceY / subsampleY, view.SourceHeight / subsampleY, height, view.Height, false, 2 * scratch + 1));

        public int RowValues => (Hx.Hi - Hx.Lo) * Channels;

        /// <summary>The first source value of row <paramref name="sourceRow"/> that a working row holds.</summary>
        public int RowStart(int sourceRow) => sourceRow * Stride + Hx.Lo * Channels;
    }

    private readonly record struct Pass(Plane[] Sources, int PlaneWidth, int PlaneSize, int Width, int Height)
    {
        /// <summary>Luma and chroma planes (or luma alone), to be converted; else one interleaved RGB plane.</summary>
        private bool YCbCr => Sources[0].Channels == 1;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(byte* dst)
        {
            var values = new short[3 * Width];                       // [3][Width]: the row's resampled channels, 7 fractional bits
            var rows = Sources.Select(p => new short[p.RowValues]).ToArray();
            for (var y = 0; y < Height; y++)
            {
                for (var p = 0; p < Sources.Length; p++) ResampleRow(Sources[p], y, rows[p], values, p);
                for (var x = 0; x < Width; x++)
                {
                    var (r, g, b) = !YCbCr ? (Level(values[x]), Level(values[Width + x]), Level(values[2 * Width + x]))
                                    : Sources.Length == 1 ? (Level(values[x]), Level(values[x]), Level(values[x]))
                                    : ToRgb(values[x], values[Width + x], values[2 * Width + x]);
                    dst[y * PlaneWidth + x] = (byte)r;
                    dst[PlaneSize + y * PlaneWidth + x] = (byte)g;
                    dst[2 * PlaneSize + y * PlaneWidth + x] = (byte)b;
                }
            }
        }

        /// <summary>Output row y of a plane's channels into values[(firstChannel + c) · Width + x].</summary>
        private void ResampleRow(Plane plane, int y, short[] row, short[] values, int firstChannel)
        {
            fixed (byte* pixels = plane.Pixels)
            fixed (short* r = row, vWeights = plane.Vy.Fixed)
                VerticalScalar(pixels + plane.RowStart(plane.Vy.Start[y]), plane.Stride, plane.Vy.Count[y],
                               vWeights + y * plane.Vy.MaxTaps, r, plane.RowValues);
            var hx = plane.Hx;
            for (var c = 0; c < plane.Channels; c++)
                for (var x = 0; x < Width; x++)
                {
                    short sum = 0;
                    for (var k = 0; k < hx.Count[x]; k++) sum = AddSaturate(sum, MulHighRound(row[plane.Channels * (hx.Offsets[x] + k) + c], hx.Fixed[x * hx.MaxTaps + k]));
                    values[(firstChannel + c) * Width + x] = sum;
                }
        }

        // row[i] = Σ_k weight[k] · first[k·stride + i], i < count, with 7 fractional bits.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void VerticalScalar(byte* first, int stride, int taps, short* weight, short* row, int count)
        {
            for (var i = 0; i < count; i++)
            {
                short sum = 0;
                for (var k = 0; k < taps; k++) sum = AddSaturate(sum, MulHighRound(Widen(first[k * stride + i]), weight[k]));
                row[i] = sum;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Vectorised(byte* dst)
        {
            var rowStride = Sources.Max(p => RowStride(p));                  // a block's rows, padded to whole tiles
            var paddedWidth = (Width + Lanes - 1) & ~(Lanes - 1);
            var planeColumns = rowStride * Lanes;
            var rows = Scratch.Rows(Lanes * rowStride);                      // [16][rowStride] after the vertical pass
            var columns = Scratch.Columns(Sources.Length * planeColumns);    // per plane [rowStride][16]: the rows transposed
            var outputs = Scratch.Outputs(3 * paddedWidth * Lanes);          // [3][paddedWidth][16]: the output rows transposed
            fixed (short* r = rows, t = columns, o = outputs)
                for (var y0 = 0; y0 < Height; y0 += Lanes)
                {
                    var count = Math.Min(Lanes, Height - y0);
                    PrefetchRows(dst, y0 + Lanes);
                    for (var p = 0; p < Sources.Length; p++) TransposedRows(Sources[p], y0, count, r, t + p * planeColumns);
                    var first = Sources[0];
                    fixed (short* hWeights = first.Hx.Fixed)
                    fixed (int* offset = first.Hx.Offsets, hCount = first.Hx.Count)
                    {
                        if (!YCbCr) HorizontalInterleaved(t, hWeights, first.Hx.MaxTaps, offset, hCount, Width, o, paddedWidth);
                        else HorizontalPlane(t, hWeights, first.Hx.MaxTaps, offset, hCount, Width, o);
                    }
                    if (YCbCr && Sources.Length == 1) GrayLevels(o, Width, paddedWidth);
                    else if (YCbCr)
                    {
                        var chroma = Sources[1];                             // Cb and Cr share their taps
                        fixed (short* hWeights = chroma.Hx.Fixed)
                        fixed (int* offset = chroma.Hx.Offsets, hCount = chroma.Hx.Count)
                            HorizontalChromaToRgb(t + planeColumns, t + 2 * planeColumns, hWeights, chroma.Hx.MaxTaps, offset, hCount, Width, o, paddedWidth);
                    }
                    Store(o, paddedWidth, dst + y0 * PlaneWidth, count);
                }
        }

        /// <summary>
        /// Asks for the output rows of the block after this one (all three planes) to be brought into the cache
        /// while this block is computed: a large batch is far out of the caches, and each of its lines is read
        /// before the first store to it, which <see cref="Store"/>'s sixteen rows at a time otherwise wait for.
        /// </summary>
        private void PrefetchRows(byte* dst, int y0)
        {
            if (!Sse.IsSupported) return;
            var rows = Math.Min(Lanes, Height - y0);
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < rows; y++)
                {
                    var row = dst + c * PlaneSize + (y0 + y) * PlaneWidth;
                    for (var x = 0; x < Width; x += 64) Sse.Prefetch1(row + x);
                    Sse.Prefetch1(row + Width - 1);
                }
        }

        /// <summary>A plane's vertical pass for output rows y0 .. y0 + count − 1, transposed into [RowStride][16] <paramref name="columns"/>.</summary>
        private static void TransposedRows(in Plane plane, int y0, int count, short* rows, short* columns)
        {
            var stride = RowStride(plane);
            fixed (byte* pixels = plane.Pixels)
            fixed (short* vWeights = plane.Vy.Fixed)
                for (var i = 0; i < count; i++)
                    VerticalAvx2(pixels + plane.RowStart(plane.Vy.Start[y0 + i]), plane.Stride, plane.Vy.Count[y0 + i],
                                 vWeights + (y0 + i) * plane.Vy.MaxTaps, rows + i * stride, plane.RowValues);
            for (var j = 0; j < stride; j += Lanes) Tile16.Transpose(rows + j, stride, columns + j * Lanes, Lanes);
        }

        private static int RowStride(Plane plane) => (plane.RowValues + Lanes - 1) & ~(Lanes - 1);

        /// <summary>A block's levels ([3][paddedWidth][16 rows]) into the planes' rows, transposed back.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Store(short* outputs, int paddedWidth, byte* first, int count)
        {
            for (var c = 0; c < 3; c++)
            {
                var plane = first + c * PlaneSize;
                var channel = outputs + c * paddedWidth * Lanes;
                for (var x = 0; x < Width; x += Lanes) Tile16.StoreAsBytes(channel + x * Lanes, plane + x, PlaneWidth, count, Math.Min(Lanes, Width - x));
            }
        }

        /// <summary>
        /// outputs[c][x] (sixteen rows, as levels) = Σ_k w[x][k] · columns[3 (offset[x] + k) + c]: the three channels
        /// of a tap are 48 contiguous values. Its own method, so that its few pointers stay in registers.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void HorizontalInterleaved(short* columns, short* weights, int maxTaps, int* offset, int* count, int width, short* outputs, int paddedWidth)
        {
            var green = outputs + paddedWidth * Lanes;
            var blue = green + paddedWidth * Lanes;
            for (var x = 0; x < width; x++, weights += maxTaps)
            {
                Vector256<short> r = Vector256<short>.Zero, g = r, b = r;
                var column = columns + 3 * offset[x] * Lanes;
                for (var k = 0; k < count[x]; k++, column += 3 * Lanes)
                {
                    var weight = Vector256.Create(weights[k]);
                    r = Avx2.AddSaturate(r, Avx2.MultiplyHighRoundScale(Avx.LoadVector256(column), weight));
                    g = Avx2.AddSaturate(g, Avx2.MultiplyHighRoundScale(Avx.LoadVector256(column + Lanes), weight));
                    b = Avx2.AddSaturate(b, Avx2.MultiplyHighRoundScale(Avx.LoadVector256(column + 2 * Lanes), weight));
                }
                Avx.Store(outputs + x * Lanes, LevelAvx2(r));
                Avx.Store(green + x * Lanes, LevelAvx2(g));
                Avx.Store(blue + x * Lanes, LevelAvx2(b));
            }
        }

        /// <summary>outputs[x] (sixteen rows, 7 fractional bits) = Σ_k w[x][k] · columns[offset[x] + k]: one channel.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void HorizontalPlane(short* columns, short* weights, int maxTaps, int* offset, int* count, int width, short* outputs)
        {
            for (var x = 0; x < width; x++, weights += maxTaps)
            {
                var sum = Vector256<short>.Zero;
                var column = columns + offset[x] * Lanes;
                for (var k = 0; k < count[x]; k++, column += Lanes)
                    sum = Avx2.AddSaturate(sum, Avx2.MultiplyHighRoundScale(Avx.LoadVector256(column), Vector256.Create(weights[k])));
                Avx.Store(outputs + x * Lanes, sum);
            }
        }

        /// <summary>
        /// The chroma planes' horizontal pass (Cb and Cr share their taps), each column then converted with the
        /// luma already in outputs[0] (<see cref="ToRgb"/> on sixteen rows at a time): outputs[c][x] = R, G, B levels.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void HorizontalChromaToRgb(short* cbColumns, short* crColumns, short* weights, int maxTaps, int* offset, int* count, int width,
                                                  short* outputs, int paddedWidth)
        {
            var green = outputs + paddedWidth * Lanes;
            var blue = green + paddedWidth * Lanes;
            var (zero, cr402, cb34414, cr71414, cb228) = (Vector256.Create(ChromaZero), Vector256.Create(Cr402), Vector256.Create(Cb34414), Vector256.Create(Cr71414), Vector256.Create(Cb228));
            for (var x = 0; x < width; x++, weights += maxTaps)
            {
                Vector256<short> cb = Vector256<short>.Zero, cr = cb;
                var u = cbColumns + offset[x] * Lanes;
                var v = crColumns + offset[x] * Lanes;
                for (var k = 0; k < count[x]; k++, u += Lanes, v += Lanes)
                {
                    var weight = Vector256.Create(weights[k]);
                    cb = Avx2.AddSaturate(cb, Avx2.MultiplyHighRoundScale(Avx.LoadVector256(u), weight));
                    cr = Avx2.AddSaturate(cr, Avx2.MultiplyHighRoundScale(Avx.LoadVector256(v), weight));
                }
                var y = Avx.LoadVector256(outputs + x * Lanes);
                var db = Avx2.SubtractSaturate(cb, zero);
                var dr = Avx2.SubtractSaturate(cr, zero);
                var r = Avx2.AddSaturate(y, Avx2.AddSaturate(dr, Avx2.MultiplyHighRoundScale(dr, cr402)));
                var g = Avx2.SubtractSaturate(y, Avx2.AddSaturate(Avx2.MultiplyHighRoundScale(db, cb34414), Avx2.MultiplyHighRoundScale(dr, cr71414)));
                var b = Avx2.AddSaturate(y, Avx2.SubtractSaturate(Avx2.AddSaturate(db, db), Avx2.MultiplyHighRoundScale(db, cb228)));
                Avx.Store(outputs + x * Lanes, LevelAvx2(r));
                Avx.Store(green + x * Lanes, LevelAvx2(g));
                Avx.Store(blue + x * Lanes, LevelAvx2(b));
            }
        }

        /// <summary>A grayscale image's luma in outputs[0] as the level of all three channels.</summary>
        private static void GrayLevels(short* outputs, int width, int paddedWidth)
        {
            for (var x = 0; x < width * Lanes; x += Lanes)
            {
                var level = LevelAvx2(Avx.LoadVector256(outputs + x));
                Avx.Store(outputs + x, level);
                Avx.Store(outputs + paddedWidth * Lanes + x, level);
                Avx.Store(outputs + 2 * paddedWidth * Lanes + x, level);
            }
        }

        /// <summary><see cref="Level"/> of sixteen values, but for the clamp, which packing to bytes does.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<short> LevelAvx2(Vector256<short> sum) => Avx2.ShiftRightArithmetic(Avx2.AddSaturate(sum, Vector256.Create((short)64)), 7);

        /// <summary>
        /// The vertical pass of one output row, sixteen values at a time; one, two and three taps (identity,
        /// upscales, mild downscales: most rows) unrolled, summed in the scalar path's order.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void VerticalAvx2(byte* first, int stride, int taps, short* weight, short* row, int count)
        {
            if (count < Lanes)
            {
                VerticalScalar(first, stride, taps, weight, row, count);
                return;
            }
            // Vectors at 0, 16, 32, ... and a last one ending at count, which may overlap the one before (and
            // writes the same values again): no scalar tail.
            var last = count - Lanes;
            switch (taps)
            {
                case 1:
                    var w = Vector256.Create(weight[0]);
                    for (var i = 0; ; i = Math.Min(i + Lanes, last))
                    {
                        Avx.Store(row + i, Product(first + i, w));
                        if (i == last) break;
                    }
                    break;
                case 2:
                    var (w0, w1) = (Vector256.Create(weight[0]), Vector256.Create(weight[1]));
                    for (var i = 0; ; i = Math.Min(i + Lanes, last))
                    {
                        Avx.Store(row + i, Avx2.AddSaturate(Product(first + i, w0), Product(first + stride + i, w1)));
                        if (i == last) break;
                    }
                    break;
                case 3:
                    var (v0, v1, v2) = (Vector256.Create(weight[0]), Vector256.Create(weight[1]), Vector256.Create(weight[2]));
                    for (var i = 0; ; i = Math.Min(i + Lanes, last))
                    {
                        Avx.Store(row + i, Avx2.AddSaturate(Avx2.AddSaturate(Product(first + i, v0), Product(first + stride + i, v1)), Product(first + 2 * stride + i, v2)));
                        if (i == last) break;
                    }
                    break;
                default:
                    for (var i = 0; ; i = Math.Min(i + Lanes, last))
                    {
                        var sum = Vector256<short>.Zero;
                        for (var k = 0; k < taps; k++) sum = Avx2.AddSaturate(sum, Product(first + k * stride + i, Vector256.Create(weight[k])));
                        Avx.Store(row + i, sum);
                        if (i == last) break;
                    }
                    break;
            }
        }

        /// <summary>Sixteen bytes as values with 7 fractional bits, times a weight (<see cref="MulHighRound"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<short> Product(byte* bytes, Vector256<short> weight) =>
            Avx2.MultiplyHighRoundScale(Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int16(bytes), 7), weight);

    }
}
