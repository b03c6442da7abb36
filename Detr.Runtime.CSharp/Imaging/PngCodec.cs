using System.Buffers.Binary;
using System.IO.Compression;

namespace Detr.Runtime.Imaging;

/// <summary>
/// A managed PNG codec (ISO/IEC 15948): decodes 8-bit grayscale, gray+alpha, RGB, RGBA and palette images,
/// non-interlaced, all five filter types, CRCs checked (alpha is dropped: images are RGB); encodes 8-bit RGB.
/// 16-bit and interlaced images are refused with a clear message.
/// </summary>
public static class PngCodec
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static bool IsPng(ReadOnlySpan<byte> data) => data.Length >= 8 && data[..8].SequenceEqual(Signature);

    public static RgbImage Decode(ReadOnlySpan<byte> png, string source)
    {
        if (!IsPng(png)) throw new ImageDecodeException($"{source}: not a PNG file (bad signature)");
        int width = 0, height = 0, bitDepth = 0, colorType = -1;
        byte[]? palette = null;
        using var compressed = new MemoryStream();
        var position = 8;
        var sawEnd = false;
        while (!sawEnd)
        {
            if (position + 12 > png.Length) throw new ImageDecodeException($"{source}: truncated PNG (chunk header at byte {position})");
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            if (length < 0 || position + 12 + length > png.Length) throw new ImageDecodeException($"{source}: truncated PNG (chunk at byte {position})");
            var type = png.Slice(position + 4, 4);
            var data = png.Slice(position + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png[(position + 8 + length)..]);
            if (Crc32.HashToUInt32(png.Slice(position + 4, 4 + length)) != crc)
                throw new ImageDecodeException($"{source}: corrupt PNG (CRC mismatch in {System.Text.Encoding.ASCII.GetString(type)} chunk)");
            if (type.SequenceEqual("IHDR"u8))
            {
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                (bitDepth, colorType) = (data[8], data[9]);
                if (data[12] != 0) throw new ImageDecodeException($"{source}: interlaced PNG is not supported");
                if (bitDepth != 8) throw new ImageDecodeException($"{source}: {bitDepth}-bit PNG is not supported (8-bit only)");
            }
            else if (type.SequenceEqual("PLTE"u8)) palette = data.ToArray();
            else if (type.SequenceEqual("IDAT"u8)) compressed.Write(data);
            else if (type.SequenceEqual("IEND"u8)) sawEnd = true;
            position += 12 + length;
        }
        var channels = colorType switch
        {
            0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4,
            _ => throw new ImageDecodeException($"{source}: PNG color type {colorType} is not supported"),
        };
        if (width <= 0 || height <= 0) throw new ImageDecodeException($"{source}: PNG without a valid IHDR");
        if (colorType == 3 && palette == null) throw new ImageDecodeException($"{source}: palette PNG without PLTE");

        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        compressed.Position = 0;
        using (var z = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            try { z.ReadExactly(raw); }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException) { throw new ImageDecodeException($"{source}: corrupt or truncated PNG data ({e.Message})"); }
        }
        var pixels = new byte[stride * height];
        Unfilter(raw, pixels, stride, height, channels, source);
        var image = new RgbImage(width, height);
        var dst = image.Pixels;
        for (var i = 0; i < width * height; i++)
        {
            switch (colorType)
            {
                case 0: case 4: dst[3 * i] = dst[3 * i + 1] = dst[3 * i + 2] = pixels[i * channels]; break;
                case 2: case 6: pixels.AsSpan(i * channels, 3).CopyTo(dst.AsSpan(3 * i, 3)); break;
                case 3:
                    var index = pixels[i] * 3;
                    if (index + 3 > palette!.Length) throw new ImageDecodeException($"{source}: palette index {pixels[i]} out of range");
                    palette.AsSpan(index, 3).CopyTo(dst.AsSpan(3 * i, 3));
                    break;
            }
        }
        return image;
    }

    /// <summary>Reverses the per-row filters (None, Sub, Up, Average, Paeth).</summary>
    private static void Unfilter(byte[] raw, byte[] pixels, int stride, int height, int bpp, string source)
    {
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var src = raw.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var up = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : Span<byte>.Empty;
            for (var x = 0; x < stride; x++)
            {
                int a = x >= bpp ? row[x - bpp] : 0, b = y > 0 ? up[x] : 0, c = x >= bpp && y > 0 ? up[x - bpp] : 0;
                row[x] = filter switch
                {
                    0 => src[x],
                    1 => (byte)(src[x] + a),
                    2 => (byte)(src[x] + b),
                    3 => (byte)(src[x] + (a + b) / 2),
                    4 => (byte)(src[x] + Paeth(a, b, c)),
                    _ => throw new ImageDecodeException($"{source}: corrupt PNG (filter type {filter} in row {y})"),
                };
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Encodes 8-bit RGB, filter type Sub on every row.</summary>
    public static byte[] Encode(RgbImage image)
    {
        var stride = image.Width * 3;
        var filtered = new byte[(stride + 1) * image.Height];
        for (var y = 0; y < image.Height; y++)
        {
            filtered[y * (stride + 1)] = 1; // Sub
            var row = image.Pixels.AsSpan(y * stride, stride);
            for (var x = 0; x < stride; x++)
                filtered[y * (stride + 1) + 1 + x] = (byte)(row[x] - (x >= 3 ? row[x - 3] : 0));
        }
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true)) z.Write(filtered);
        using var png = new MemoryStream();
        png.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)image.Height);
        header[8] = 8; header[9] = 2; header[10] = 0; header[11] = 0; header[12] = 0;
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, idat.ToArray());
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        s.Write(word);
        var typed = new byte[4 + data.Length];
        type.CopyTo(typed);
        data.CopyTo(typed.AsSpan(4));
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.HashToUInt32(typed));
        s.Write(word);
    }
}

/// <summary>CRC-32 (ISO 3309, polynomial 0xEDB88320) as PNG chunks use it.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    public static uint HashToUInt32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }
}
