using System.IO.MemoryMappedFiles;
using System.Text.Json;
using Detr.Torch.Interop;

namespace Detr.Torch.Serialization;

/// <summary>
/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON header
/// mapping names to {dtype, shape, data_offsets} plus an optional "__metadata__" string map, then the raw
/// little-endian data. Reading maps the file and copies each tensor straight into libtorch memory.
/// </summary>
public static class SafeTensors
{
    /// <summary>One entry of the header.</summary>
    public sealed record Entry(string Name, DType DType, long[] Shape, long Begin, long End);

    /// <summary>A parsed header: entries in file order, metadata, and where the data starts.</summary>
    public sealed record Header(IReadOnlyList<Entry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart);

    private const long MaxHeaderBytes = 100L << 20;

    private static readonly Dictionary<string, DType> DTypes = new()
    {
        ["F64"] = DType.Float64, ["F32"] = DType.Float32, ["F16"] = DType.Float16, ["BF16"] = DType.BFloat16,
        ["I64"] = DType.Int64, ["I32"] = DType.Int32, ["I16"] = DType.Int16, ["I8"] = DType.Int8,
        ["U8"] = DType.UInt8, ["BOOL"] = DType.Bool,
    };

    private static string Code(DType dtype) => DTypes.First(kv => kv.Value == dtype).Key;

    /// <summary>Reads and validates the header without loading data.</summary>
    public static Header ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return ReadHeader(stream, path);
    }

    private static FileStream OpenRead(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"{path}: no such file", path); }
    }

    private static Header ReadHeader(Stream stream, string path)
    {
        var fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Read(lengthBytes) != 8) throw Bad(path, "file is shorter than the 8-byte header length");
        var headerLength = BitConverter.ToInt64(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > fileLength - 8)
            throw Bad(path, $"header length {headerLength} is impossible for a {fileLength}-byte file");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var dataStart = 8 + headerLength;
        var dataLength = fileLength - dataStart;

        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes); }
        catch (JsonException e) { throw Bad(path, $"header is not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "header is not a JSON object");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            var names = new HashSet<string>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Bad(path, $"tensor '{property.Name}' appears twice");
                if (property.Name == "__metadata__")
                {
                    foreach (var m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad(path, $"metadata '{m.Name}' is not a string");
                    continue;
                }
                entries.Add(ParseEntry(property, dataLength, path));
            }
            // Tensors must not overlap. Gaps between them are tolerated (the reference library rejects them).
            var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i].Begin < ordered[i - 1].End)
                    throw Bad(path, $"tensors '{ordered[i - 1].Name}' and '{ordered[i].Name}' overlap");
            return new Header(entries, metadata, dataStart);
        }
    }

    private static Entry ParseEntry(JsonProperty property, long dataLength, string path)
    {
        var name = property.Name;
        var v = property.Value;
        try
        {
            var code = v.GetProperty("dtype").GetString() ?? "";
            if (!DTypes.TryGetValue(code, out var dtype)) throw Bad(path, $"tensor '{name}' has unsupported dtype '{code}'");
            var shape = v.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (shape.Any(s => s < 0)) throw Bad(path, $"tensor '{name}' has a negative size");
            var offsets = v.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (offsets.Length != 2) throw Bad(path, $"tensor '{name}' needs two data_offsets");
            var (begin, end) = (offsets[0], offsets[1]);
            if (begin < 0 || end < begin || end > dataLength)
                throw Bad(path, $"tensor '{name}' has data_offsets [{begin}, {end}] outside the {dataLength}-byte data section");
            var expected = shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();
            if (end - begin != expected)
                throw Bad(path, $"tensor '{name}' of shape [{string.Join(", ", shape)}] {code} needs {expected} bytes, its offsets span {end - begin}");
            return new Entry(name, dtype, shape, begin, end);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Bad(path, $"tensor '{name}' has a malformed entry ({e.Message})");
        }
    }

    private static InvalidDataException Bad(string path, string message) => new($"{path}: {message}");

    /// <summary>Loads every tensor (CPU), in file order.</summary>
    public static IReadOnlyList<(string Name, Tensor Value)> Load(string path)
    {
        Header header;
        using (var stream = OpenRead(path)) header = ReadHeader(stream, path);
        var result = new List<(string, Tensor)>(header.Entries.Count);
        if (header.Entries.Count == 0) return result;
        using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        unsafe
        {
            byte* basePointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
            try
            {
                var data = basePointer + view.PointerOffset + header.DataStart;
                foreach (var e in header.Entries)
                {
                    var bytes = new ReadOnlySpan<byte>(data + e.Begin, checked((int)(e.End - e.Begin)));
                    result.Add((e.Name, Tensor.FromBytes(bytes, e.DType, e.Shape)));
                }
            }
            finally
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
        }
        return result;
    }

    /// <summary>
    /// Writes tensors (any device; copied to host) and string metadata. Names are written sorted, the
    /// header padded with spaces to a multiple of 8 as the reference writer does. The file is written
    /// beside the target and renamed over it, so readers never see a partial file.
    /// </summary>
    /// Tensor data goes from libtorch's memory straight to the file (no managed copy: a checkpoint of model and
    /// optimizer would otherwise pass through the managed heap every epoch).
    public static unsafe void Save(string path, IEnumerable<(string Name, Tensor Value)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var duplicate = items.GroupBy(i => i.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new ArgumentException($"tensor name '{duplicate.Key}' given twice");
        var header = BuildHeader(items.Select(i => (i.Name, i.Value.DType, i.Value.Shape, i.Value.NumEl * i.Value.DType.ElementSize())), metadata);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes(header.Length));
            header.Position = 0;
            header.CopyTo(stream);
            foreach (var (_, value) in items)
            {
                var bytes = value.NumEl * value.DType.ElementSize();
                if (bytes == 0) continue;
                var host = value.Device.IsCuda || !value.IsContiguous ? value.To(Device.Cpu).Contiguous() : null;
                try
                {
                    var t = host ?? value;
                    var p = (byte*)NativeMethods.dt_tensor_data_ptr(t.Handle);
                    if (p == null) throw new TorchException(NativeMethods.LastError());
                    for (long done = 0; done < bytes; done += int.MaxValue)
                        stream.Write(new ReadOnlySpan<byte>(p + done, (int)Math.Min(int.MaxValue, bytes - done)));
                    GC.KeepAlive(t);
                }
                finally
                {
                    host?.Dispose();
                }
            }
        });
    }

    public static void Save(string path, IEnumerable<(string Name, RawTensor Value)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = BuildHeader(items.Select(i => (i.Name, i.Value.DType, i.Value.Shape, (long)i.Value.Data.Length)), metadata);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes(header.Length));
            header.Position = 0;
            header.CopyTo(stream);
            foreach (var (_, raw) in items) stream.Write(raw.Data);
        });
    }

    /// <summary>The JSON header (names in the given order, offsets accumulated), padded to a multiple of 8.</summary>
    private static MemoryStream BuildHeader(IEnumerable<(string Name, DType DType, long[] Shape, long Bytes)> items, IReadOnlyDictionary<string, string>? metadata)
    {
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, dtype, shape, bytes) in items)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", Code(dtype));
                json.WriteStartArray("shape");
                foreach (var s in shape) json.WriteNumberValue(s);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        var padded = (header.Length + 7) / 8 * 8;
        while (header.Length < padded) header.WriteByte((byte)' ');
        return header;
    }

    /// <summary>The metadata map of a file (empty when it has none).</summary>
    public static IReadOnlyDictionary<string, string> Metadata(string path) => ReadHeader(path).Metadata;
}
