using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Detr.Runtime.Imaging;

/// <summary>
/// 16×16 tiles of 16-bit values transposed with AVX2 unpacks (no gathers, no stack buffers), for the
/// renderer's blocks of sixteen rows (<see cref="ViewRenderer"/>): source rows into columns of sixteen
/// values, and the output columns back into rows of bytes.
/// </summary>
internal static unsafe class Tile16
{
    private const int Lanes = 16;

    /// <summary>dst[j][i] = src[i][j] for a 16×16 tile of 16-bit values (strides in values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(short* src, int srcStride, short* dst, int dstStride)
    {
        // Rows 0–7 become, per column m of a 128-bit lane L, one lane of eight values (column 8L + m), and
        // so do rows 8–15: each lane is half of a destination row, stored as it is.
        HalfInto(src, srcStride, dst, dstStride);
        HalfInto(src + 8 * srcStride, srcStride, dst + 8, dstStride);
    }

    /// <summary>Eight source rows transposed into the first (or, offset by 8, the second) halves of the sixteen destination rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void HalfInto(short* src, int srcStride, short* dst, int dstStride)
    {
        Half(src, srcStride, out var m0, out var m1, out var m2, out var m3, out var m4, out var m5, out var m6, out var m7);
        StoreLanes(m0, dst, dstStride, 0);
        StoreLanes(m1, dst, dstStride, 1);
        StoreLanes(m2, dst, dstStride, 2);
        StoreLanes(m3, dst, dstStride, 3);
        StoreLanes(m4, dst, dstStride, 4);
        StoreLanes(m5, dst, dstStride, 5);
        StoreLanes(m6, dst, dstStride, 6);
        StoreLanes(m7, dst, dstStride, 7);
    }

    /// <summary>Lane 0 of <paramref name="v"/> (column m) to row m, lane 1 (column 8 + m) to row 8 + m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLanes(Vector256<short> v, short* dst, int dstStride, int m)
    {
        Sse2.Store(dst + m * dstStride, v.GetLower());
        Sse2.Store(dst + (8 + m) * dstStride, v.GetUpper());
    }

    /// <summary>Eight rows → eight vectors m0..m7: lane L of m<i>k</i> holds the eight rows' values of column 8L + k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Half(short* src, int stride, out Vector256<short> m0, out Vector256<short> m1, out Vector256<short> m2, out Vector256<short> m3,
                             out Vector256<short> m4, out Vector256<short> m5, out Vector256<short> m6, out Vector256<short> m7)
    {
        var a0 = Avx.LoadVector256(src);
        var a1 = Avx.LoadVector256(src + stride);
        var a2 = Avx.LoadVector256(src + 2 * stride);
        var a3 = Avx.LoadVector256(src + 3 * stride);
        var a4 = Avx.LoadVector256(src + 4 * stride);
        var a5 = Avx.LoadVector256(src + 5 * stride);
        var a6 = Avx.LoadVector256(src + 6 * stride);
        var a7 = Avx.LoadVector256(src + 7 * stride);
        // 16-bit interleave: rows (0,1) of columns 8L+0..3 and 8L+4..7, and so on.
        var b0 = Avx2.UnpackLow(a0, a1).AsUInt32();
        var b1 = Avx2.UnpackHigh(a0, a1).AsUInt32();
        var b2 = Avx2.UnpackLow(a2, a3).AsUInt32();
        var b3 = Avx2.UnpackHigh(a2, a3).AsUInt32();
        var b4 = Avx2.UnpackLow(a4, a5).AsUInt32();
        var b5 = Avx2.UnpackHigh(a4, a5).AsUInt32();
        var b6 = Avx2.UnpackLow(a6, a7).AsUInt32();
        var b7 = Avx2.UnpackHigh(a6, a7).AsUInt32();
        // 32-bit interleave: rows 0..3 of columns (8L+0, 8L+1), (8L+2, 8L+3), …
        var c0 = Avx2.UnpackLow(b0, b2).AsUInt64();
        var c1 = Avx2.UnpackHigh(b0, b2).AsUInt64();
        var c2 = Avx2.UnpackLow(b1, b3).AsUInt64();
        var c3 = Avx2.UnpackHigh(b1, b3).AsUInt64();
        var c4 = Avx2.UnpackLow(b4, b6).AsUInt64();
        var c5 = Avx2.UnpackHigh(b4, b6).AsUInt64();
        var c6 = Avx2.UnpackLow(b5, b7).AsUInt64();
        var c7 = Avx2.UnpackHigh(b5, b7).AsUInt64();
        // 64-bit interleave: rows 0..7 of column 8L + m.
        m0 = Avx2.UnpackLow(c0, c4).AsInt16();
        m1 = Avx2.UnpackHigh(c0, c4).AsInt16();
        m2 = Avx2.UnpackLow(c1, c5).AsInt16();
        m3 = Avx2.UnpackHigh(c1, c5).AsInt16();
        m4 = Avx2.UnpackLow(c2, c6).AsInt16();
        m5 = Avx2.UnpackHigh(c2, c6).AsInt16();
        m6 = Avx2.UnpackLow(c3, c7).AsInt16();
        m7 = Avx2.UnpackHigh(c3, c7).AsInt16();
    }

    /// <summary>
    /// Sixteen columns of sixteen rows' levels (columns[x][i], 16-bit) as bytes into rows i &lt; rows of the
    /// plane, the first n columns of each. Packed to bytes first, then transposed as 16-bit pairs of columns:
    /// half the data of a 16-bit transpose. Per 128-bit lane (rows 0–7, rows 8–15): pack columns 2j and
    /// 2j + 1, interleave their bytes so that 16-bit word r holds both at row r, then an 8×8 transpose of words.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAsBytes(short* columns, byte* dst, int stride, int rows, int n)
    {
        var pairs = Vector256.Create((byte)0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
        Vector256<short> Pair(int j) =>
            Avx2.Shuffle(Avx2.PackUnsignedSaturate(Avx.LoadVector256(columns + 2 * j * Lanes), Avx.LoadVector256(columns + (2 * j + 1) * Lanes)), pairs).AsInt16();
        var (p0, p1, p2, p3, p4, p5, p6, p7) = (Pair(0), Pair(1), Pair(2), Pair(3), Pair(4), Pair(5), Pair(6), Pair(7));
        // Words, then double words, then quad words interleaved: c_r's words are p0..p7's word r.
        var a0 = Avx2.UnpackLow(p0, p1).AsInt32();
        var a1 = Avx2.UnpackHigh(p0, p1).AsInt32();
        var a2 = Avx2.UnpackLow(p2, p3).AsInt32();
        var a3 = Avx2.UnpackHigh(p2, p3).AsInt32();
        var a4 = Avx2.UnpackLow(p4, p5).AsInt32();
        var a5 = Avx2.UnpackHigh(p4, p5).AsInt32();
        var a6 = Avx2.UnpackLow(p6, p7).AsInt32();
        var a7 = Avx2.UnpackHigh(p6, p7).AsInt32();
        var b0 = Avx2.UnpackLow(a0, a2).AsInt64();
        var b1 = Avx2.UnpackHigh(a0, a2).AsInt64();
        var b2 = Avx2.UnpackLow(a1, a3).AsInt64();
        var b3 = Avx2.UnpackHigh(a1, a3).AsInt64();
        var b4 = Avx2.UnpackLow(a4, a6).AsInt64();
        var b5 = Avx2.UnpackHigh(a4, a6).AsInt64();
        var b6 = Avx2.UnpackLow(a5, a7).AsInt64();
        var b7 = Avx2.UnpackHigh(a5, a7).AsInt64();
        StoreRows(Avx2.UnpackLow(b0, b4).AsByte(), 0, dst, stride, rows, n);
        StoreRows(Avx2.UnpackHigh(b0, b4).AsByte(), 1, dst, stride, rows, n);
        StoreRows(Avx2.UnpackLow(b1, b5).AsByte(), 2, dst, stride, rows, n);
        StoreRows(Avx2.UnpackHigh(b1, b5).AsByte(), 3, dst, stride, rows, n);
        StoreRows(Avx2.UnpackLow(b2, b6).AsByte(), 4, dst, stride, rows, n);
        StoreRows(Avx2.UnpackHigh(b2, b6).AsByte(), 5, dst, stride, rows, n);
        StoreRows(Avx2.UnpackLow(b3, b7).AsByte(), 6, dst, stride, rows, n);
        StoreRows(Avx2.UnpackHigh(b3, b7).AsByte(), 7, dst, stride, rows, n);
    }

    /// <summary>Lane 0 of <paramref name="row"/> is output row r, lane 1 row 8 + r: each stored when it is one of the block's rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows(Vector256<byte> row, int r, byte* dst, int stride, int rows, int n)
    {
        if (n == Lanes)
        {
            if (r < rows) Sse2.Store(dst + r * stride, row.GetLower());
            if (8 + r < rows) Sse2.Store(dst + (8 + r) * stride, row.GetUpper());
            return;
        }
        if (r < rows) StoreFirst(row.GetLower(), dst + r * stride, n);
        if (8 + r < rows) StoreFirst(row.GetUpper(), dst + (8 + r) * stride, n);
    }

    /// <summary>The first <paramref name="n"/> (&lt; 16) bytes of <paramref name="bytes"/> to <paramref name="p"/>, in 8-, 4-, 2- and 1-byte stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFirst(Vector128<byte> bytes, byte* p, int n)
    {
        var value = bytes.AsUInt64().GetElement(0);
        if (n >= 8)
        {
            *(ulong*)p = value;
            p += 8;
            n -= 8;
            value = bytes.AsUInt64().GetElement(1);
        }
        if (n >= 4)
        {
            *(uint*)p = (uint)value;
            p += 4;
            n -= 4;
            value >>= 32;
        }
        if (n >= 2)
        {
            *(ushort*)p = (ushort)value;
            p += 2;
            n -= 2;
            value >>= 16;
        }
        if (n >= 1) *p = (byte)value;
    }
}
