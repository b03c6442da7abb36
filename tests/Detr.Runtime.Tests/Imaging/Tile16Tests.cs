using System.Runtime.Intrinsics.X86;
using Detr.Runtime.Imaging;

namespace Detr.Runtime.Tests.Imaging;

public unsafe class Tile16Tests
{
    [Fact]
    public void Transpose_swaps_rows_and_columns_of_a_tile_within_wider_rows()
    {
        if (!Avx2.IsSupported) return;                                   // the scalar render does not use tiles
        var rng = new Random(1);
        var (srcStride, dstStride) = (37, 21);
        var src = new short[16 * srcStride];
        var dst = new short[16 * dstStride];
        for (var i = 0; i < src.Length; i++) src[i] = (short)rng.Next(short.MinValue, short.MaxValue);
        fixed (short* s = src, d = dst) Tile16.Transpose(s + 3, srcStride, d + 2, dstStride);
        for (var i = 0; i < 16; i++)
            for (var j = 0; j < 16; j++) Assert.Equal(src[i * srcStride + 3 + j], dst[j * dstStride + 2 + i]);
        Assert.All(Enumerable.Range(0, 16), j => Assert.Equal(0, dst[j * dstStride]));   // nothing outside the tile
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(16, 5)]
    [InlineData(7, 16)]
    [InlineData(1, 1)]
    [InlineData(11, 15)]
    public void Levels_stored_as_bytes_are_the_columns_transposed_clamped_and_nothing_more(int rows, int n)
    {
        if (!Avx2.IsSupported) return;
        var rng = new Random(rows * 31 + n);
        var columns = new short[16 * 16];                                // columns[x][i]: row i of column x
        for (var k = 0; k < columns.Length; k++) columns[k] = (short)rng.Next(-300, 600);
        const int stride = 24;
        var plane = Enumerable.Repeat((byte)0xAB, 17 * stride).ToArray();
        fixed (short* c = columns)
        fixed (byte* p = plane)
            Tile16.StoreAsBytes(c, p + 1, stride, rows, n);
        for (var i = 0; i < 17; i++)
            for (var x = -1; x < stride - 1; x++)
            {
                var expected = i < rows && x >= 0 && x < n ? (byte)Math.Clamp((int)columns[x * 16 + i], 0, 255) : (byte)0xAB;
                Assert.Equal(expected, plane[i * stride + 1 + x]);
            }
    }
}
