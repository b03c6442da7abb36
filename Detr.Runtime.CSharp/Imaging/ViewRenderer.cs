using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Detr.Runtime.Imaging;

/// <summary>
/// Renders an <see cref="ImageView"/> into three 8-bit planes (channel-first, as the batch tensor): a vertical
/// pass turns the source's 8-bit rows into float rows of interleaved RGB (only the columns the horizontal taps
/// touch), a horizontal pass turns those into the planes' rows, rounded half up to 8 bits as the reference's
/// resized 8-bit PIL image is. Normalisation with ImageNet's mean and std happens on the device, on the
/// whole batch (<see cref="Data.Batch.ImagesOn"/>): a quarter of the bytes to write, pad and copy here.
/// <para>
/// With AVX2 and FMA both passes run on eight floats at a time without gathers (slow on many CPUs): output rows
/// go in blocks of eight; the block's float rows are transposed in 8×8 tiles so that one source column of
/// the eight rows is eight contiguous floats, the horizontal taps then become plain vector loads, and the
/// result is transposed back. The scalar path does the same (fused) arithmetic in the same order, so both give
/// bit-identical planes (tested). The kernels are compiled fully optimised from their first call
/// (AggressiveOptimization): a loader's first batches would otherwise run tier-0 code.
/// </para>
/// </summary>
internal static unsafe class ViewRenderer
{
    private const int Block = 8;

    public static void Render(ImageView view, Span<byte> planes, int planeWidth, int planeHeight, bool vectorised = true)
    {
        var (width, height, source) = (view.Width, view.Height, view.Source);
        if (planes.Length < 3 * planeWidth * planeHeight || width > planeWidth || height > planeHeight)
            throw new ArgumentException($"a {width}x{height} view does not fit {planeWidth}x{planeHeight} planes");
        var hx = Resample.Coefficients(view.SourceX, view.SourceWidth, source.Width, width, view.Flipped);
        var vy = Resample.Coefficients(view.SourceY, view.SourceHeight, source.Height, height, false);

        // Source columns [lo, hi) the horizontal taps touch; per output its first float in a working row.
        int lo = int.MaxValue, hi = 0;
        for (var x = 0; x < width; x++)
        {
            lo = Math.Min(lo, hx.Start[x]);
            hi = Math.Max(hi, hx.Start[x] + hx.Count[x]);
        }
        var rowFloats = (hi - lo) * 3;
        var offsets = new int[width];
        for (var x = 0; x < width; x++) offsets[x] = (hx.Start[x] - lo) * 3;
        var pass = new Pass(source, lo, rowFloats, hx, vy, offsets, planeWidth, planeWidth * planeHeight, width, height);
        fixed (byte* dst = planes)
        {
            if (vectorised && Avx2.IsSupported && Fma.IsSupported) pass.Vectorised(dst);
            else pass.Scalar(dst);
        }
    }

    /// <summary>
    /// Per-thread working buffers, grown as needed and reused: a loader renders thousands of images per
    /// second per worker. Stale contents are finite pixel sums, so the rows of a short last block (computed,
    /// never stored) cost nothing odd.
    /// </summary>
    private static class Scratch
    {
        [ThreadStatic] private static float[]? rows, columns, outputs;

        public static float[] Rows(int length) => Fit(ref rows, length);

        public static float[] Columns(int length) => Fit(ref columns, length);

        public static float[] Outputs(int length) => Fit(ref outputs, length);

        private static float[] Fit(ref float[]? buffer, int length) => buffer is { } b && b.Length >= length ? b : buffer = new float[length];
    }

    private readonly record struct Pass(RgbImage Source, int Lo, int RowFloats, Resample.Taps Hx, Resample.Taps Vy, int[] Offsets,
                                        int PlaneWidth, int PlaneSize, int Width, int Height)
    {
        private static byte Level(float sum) => (byte)MathF.Floor(Math.Clamp(sum, 0f, 255f) + 0.5f);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scalar(byte* dst)
        {
            var row = new float[RowFloats];
            var stride = Source.Width * 3;
            fixed (byte* pixels = Source.Pixels)
            fixed (float* r = row, vWeights = Vy.Weights)
                for (var y = 0; y < Height; y++)
                {
                    VerticalScalar(pixels + Vy.Start[y] * stride + Lo * 3, stride, Vy.Count[y], vWeights + y * Vy.MaxTaps, r, RowFloats);
                    for (var c = 0; c < 3; c++)
                    {
                        var output = dst + c * PlaneSize + y * PlaneWidth;
                        for (var x = 0; x < Width; x++)
                        {
                            var sum = 0f;
                            for (var k = 0; k < Hx.Count[x]; k++) sum = MathF.FusedMultiplyAdd(Hx.Weights[x * Hx.MaxTaps + k], r[Offsets[x] + 3 * k + c], sum);
                            output[x] = Level(sum);
                        }
                    }
                }
        }

        // row[i] = Σ_k weight[k] · first[k·stride + i], i < count.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void VerticalScalar(byte* first, int stride, int taps, float* weight, float* row, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var sum = 0f;
                for (var k = 0; k < taps; k++) sum = MathF.FusedMultiplyAdd(weight[k], first[k * stride + i], sum);
                row[i] = sum;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Vectorised(byte* dst)
        {
            var rowStride = (RowFloats + Block - 1) & ~(Block - 1);        // the block's float rows, padded to whole tiles
            var paddedWidth = (Width + Block - 1) & ~(Block - 1);
            var rows = Scratch.Rows(Block * rowStride);                     // [8][rowStride] after the vertical pass
            var columns = Scratch.Columns(rowStride * Block);               // [rowStride][8]: the rows transposed
            var outputs = Scratch.Outputs(3 * paddedWidth * Block);         // [3][paddedWidth][8]: the output rows transposed
            var tile = stackalloc float[Block * Block];
            var stride = Source.Width * 3;
            fixed (byte* pixels = Source.Pixels)
            fixed (float* r = rows, t = columns, o = outputs, vWeights = Vy.Weights, hWeights = Hx.Weights)
            fixed (int* offset = Offsets, hCount = Hx.Count)
                for (var y0 = 0; y0 < Height; y0 += Block)
                {
                    var count = Math.Min(Block, Height - y0);
                    for (var i = 0; i < count; i++)
                        VerticalAvx2(pixels + Vy.Start[y0 + i] * stride + Lo * 3, stride, Vy.Count[y0 + i], vWeights + (y0 + i) * Vy.MaxTaps, r + i * rowStride, RowFloats);
                    for (var j = 0; j < rowStride; j += Block) Transpose(r + j, rowStride, t + j * Block, Block);
                    // outputs[c][x] (eight rows) = Σ_k w[x][k] · columns[offset[x] + 3k + c]: the three channels of a
                    // tap are 24 contiguous floats.
                    for (var x = 0; x < Width; x++)
                    {
                        Vector256<float> red = Vector256<float>.Zero, green = red, blue = red;
                        var w = hWeights + x * Hx.MaxTaps;
                        var column = t + offset[x] * Block;
                        for (var k = 0; k < hCount[x]; k++, column += 3 * Block)
                        {
                            var weight = Vector256.Create(w[k]);
                            red = Fma.MultiplyAdd(weight, Avx.LoadVector256(column), red);
                            green = Fma.MultiplyAdd(weight, Avx.LoadVector256(column + Block), green);
                            blue = Fma.MultiplyAdd(weight, Avx.LoadVector256(column + 2 * Block), blue);
                        }
                        Avx.Store(o + x * Block, Level(red));
                        Avx.Store(o + (paddedWidth + x) * Block, Level(green));
                        Avx.Store(o + (2 * paddedWidth + x) * Block, Level(blue));
                    }
                    for (var c = 0; c < 3; c++)
                    {
                        var plane = dst + c * PlaneSize + y0 * PlaneWidth;
                        var channel = o + c * paddedWidth * Block;
                        for (var x = 0; x < Width; x += Block)
                        {
                            Transpose(channel + x * Block, Block, tile, Block);
                            if (x + Block <= Width)
                            {
                                for (var i = 0; i < count; i++) StoreBytes(Avx.LoadVector256(tile + i * Block), plane + i * PlaneWidth + x);
                                continue;
                            }
                            for (var i = 0; i < count; i++)
                                for (var j = 0; j < Width - x; j++) plane[i * PlaneWidth + x + j] = (byte)tile[i * Block + j];
                        }
                    }
                }
        }

        /// <summary>The 8-bit levels (as whole floats) of eight sums, as <see cref="Level(float)"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Level(Vector256<float> sum) =>
            Avx.Floor(Avx.Add(Avx.Min(Avx.Max(sum, Vector256<float>.Zero), Vector256.Create(255f)), Vector256.Create(0.5f)));

        /// <summary>Eight whole floats in 0..255 → eight bytes at <paramref name="dst"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreBytes(Vector256<float> levels, byte* dst)
        {
            var ints = Avx.ConvertToVector256Int32WithTruncation(levels);
            var shorts = Sse2.PackSignedSaturate(ints.GetLower(), ints.GetUpper());
            Sse2.StoreScalar((long*)dst, Sse2.PackUnsignedSaturate(shorts, shorts).AsInt64());
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void VerticalAvx2(byte* first, int stride, int taps, float* weight, float* row, int count)
        {
            var i = 0;
            for (; i + 8 <= count; i += 8)
            {
                var sum = Vector256<float>.Zero;
                for (var k = 0; k < taps; k++)
                {
                    var v = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(first + k * stride + i)); // 8 bytes → 8 floats
                    sum = Fma.MultiplyAdd(Vector256.Create(weight[k]), v, sum);
                }
                Avx.Store(row + i, sum);
            }
            VerticalScalar(first + i, stride, taps, weight, row + i, count - i);
        }

        /// <summary>dst[j][i] = src[i][j] for an 8×8 tile (strides in floats).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Transpose(float* src, int srcStride, float* dst, int dstStride)
        {
            var r0 = Avx.LoadVector256(src);
            var r1 = Avx.LoadVector256(src + srcStride);
            var r2 = Avx.LoadVector256(src + 2 * srcStride);
            var r3 = Avx.LoadVector256(src + 3 * srcStride);
            var r4 = Avx.LoadVector256(src + 4 * srcStride);
            var r5 = Avx.LoadVector256(src + 5 * srcStride);
            var r6 = Avx.LoadVector256(src + 6 * srcStride);
            var r7 = Avx.LoadVector256(src + 7 * srcStride);
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7);
            var t7 = Avx.UnpackHigh(r6, r7);
            var s0 = Avx.Shuffle(t0, t2, 0x44);
            var s1 = Avx.Shuffle(t0, t2, 0xEE);
            var s2 = Avx.Shuffle(t1, t3, 0x44);
            var s3 = Avx.Shuffle(t1, t3, 0xEE);
            var s4 = Avx.Shuffle(t4, t6, 0x44);
            var s5 = Avx.Shuffle(t4, t6, 0xEE);
            var s6 = Avx.Shuffle(t5, t7, 0x44);
            var s7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
            Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
            Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
            Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
            Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
            Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
            Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
            Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
        }
    }
}
