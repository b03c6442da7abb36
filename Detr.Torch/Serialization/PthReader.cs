using System.IO.Compression;

namespace Detr.Torch.Serialization;

/// <summary>
/// Reads PyTorch <c>torch.save</c> files without Python: the zip format of torch ≥ 1.6
/// (<c>&lt;name&gt;/data.pkl</c> + <c>&lt;name&gt;/data/&lt;key&gt;</c> storages) and the legacy format
/// (consecutive pickles: magic number, protocol, system info, the object, the storage keys, then each
/// storage as an 8-byte element count and raw bytes). Tensors come back as <see cref="RawTensor"/>.
/// </summary>
public static class PthReader
{
    // torch/serialization.py MAGIC_NUMBER, an 80-bit integer.
    private static readonly System.Numerics.BigInteger LegacyMagic =
        System.Numerics.BigInteger.Parse("01950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    /// <summary>The whole pickled object: dictionaries, lists, tensors, numbers, strings, PickleObjects.</summary>
    public static object? LoadObject(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        using var stream = File.OpenRead(path);
        var head = new byte[4];
        var read = stream.Read(head);
        stream.Position = 0;
        if (read == 4 && head[0] == 'P' && head[1] == 'K') return LoadZip(stream, path);
        if (read >= 2 && head[0] == 0x80) return LoadLegacy(stream, path);
        throw new InvalidDataException($"{path}: not a PyTorch file (neither a zip archive nor a legacy torch.save pickle)");
    }

    /// <summary>
    /// The state dict of a file: the top-level dictionary of tensors, or its "model" / "state_dict" entry
    /// for training checkpoints (DETR saves {"model", "optimizer", "lr_scheduler", "epoch", "args"}).
    /// </summary>
    public static IReadOnlyList<(string Name, RawTensor Value)> LoadStateDict(string path)
    {
        var root = LoadObject(path);
        if (root is not Dictionary<object, object?> top) throw new InvalidDataException($"{path}: the file holds a {Describe(root)}, not a state dict");
        var dict = top;
        foreach (var key in new[] { "model", "state_dict" })
            if (!top.Values.Any(v => v is RawTensor) && top.TryGetValue(key, out var inner) && inner is Dictionary<object, object?> d)
            {
                dict = d;
                break;
            }
        var result = new List<(string, RawTensor)>();
        foreach (var (k, v) in dict)
        {
            if (v is RawTensor t) result.Add((k.ToString()!, t));
            else if (v is not null) throw new InvalidDataException($"{path}: state dict entry '{k}' is a {Describe(v)}, not a tensor");
        }
        if (result.Count == 0) throw new InvalidDataException($"{path}: no tensors found (expected a state dict or a checkpoint with a 'model' entry)");
        return result;
    }

    private static string Describe(object? o) => o switch
    {
        null => "None",
        Dictionary<object, object?> => "dict",
        List<object?> => "list",
        object?[] => "tuple",
        PickleObject p => p.Class,
        _ => o.GetType().Name,
    };

    // ---- zip format --------------------------------------------------------------------------

    private static object? LoadZip(Stream stream, string path)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                     ?? throw new InvalidDataException($"{path}: zip archive without data.pkl (not a torch.save file)");
        var prefix = pickle.FullName[..^"data.pkl".Length];
        var byteOrder = zip.GetEntry(prefix + "byteorder");
        if (byteOrder != null)
        {
            using var r = new StreamReader(byteOrder.Open());
            var order = r.ReadToEnd().Trim();
            if (order != "little") throw new InvalidDataException($"{path}: {order}-endian storages are not supported");
        }
        var storages = new Dictionary<string, (DType, byte[])>();
        (DType, byte[]) Storage(string key, DType dtype)
        {
            if (storages.TryGetValue(key, out var s)) return s;
            var entry = zip.GetEntry(prefix + "data/" + key) ?? throw new InvalidDataException($"{path}: storage key {key} missing from the archive");
            using var data = entry.Open();
            var bytes = new byte[entry.Length];
            data.ReadExactly(bytes);
            return storages[key] = (dtype, bytes);
        }
        using var pkl = pickle.Open();
        using var buffered = new BufferedStream(pkl);
        var obj = new Unpickler(buffered, path)
        {
            ResolveGlobal = TorchGlobals.IsAllowed,
            Call = (g, args) => TorchGlobals.Call(g, args, path),
            PersistentLoad = pid =>
            {
                // ('storage', storage_type, key, location, numel)
                if (pid is not IReadOnlyList<object?> { Count: >= 5 } t || t[0] as string != "storage")
                    throw new InvalidDataException($"{path}: unexpected persistent id {Describe(pid)}");
                var dtype = TorchGlobals.StorageDType(t[1], path);
                var (_, bytes) = Storage(Convert.ToString(t[2], System.Globalization.CultureInfo.InvariantCulture)!, dtype);
                return new StorageRef(dtype, bytes);
            },
        }.Load();
        return TorchGlobals.Resolve(obj, path);
    }

    // ---- legacy format -----------------------------------------------------------------------

    private static object? LoadLegacy(Stream stream, string path)
    {
        Unpickler Plain() => new(stream, path) { ResolveGlobal = TorchGlobals.IsAllowed, Call = (g, a) => TorchGlobals.Call(g, a, path) };
        if (Plain().Load() is not System.Numerics.BigInteger magic || magic != LegacyMagic)
            throw new InvalidDataException($"{path}: not a PyTorch file (bad magic number)");
        Plain().Load(); // protocol version
        Plain().Load(); // sys_info

        // Storages are read after the object: collect the references first, fill them in afterwards.
        var pending = new Dictionary<string, List<(StorageRef Ref, long Offset, long Size)>>();
        var types = new Dictionary<string, DType>();
        var obj = new Unpickler(stream, path)
        {
            ResolveGlobal = TorchGlobals.IsAllowed,
            Call = (g, args) => TorchGlobals.Call(g, args, path),
            PersistentLoad = pid =>
            {
                // ('storage', storage_type, root_key, location, size, view_metadata)
                if (pid is not IReadOnlyList<object?> { Count: >= 6 } t || t[0] as string != "storage")
                    throw new InvalidDataException($"{path}: unexpected persistent id {Describe(pid)}");
                var dtype = TorchGlobals.StorageDType(t[1], path);
                var key = Convert.ToString(t[2], System.Globalization.CultureInfo.InvariantCulture)!;
                types[key] = dtype;
                var reference = new StorageRef(dtype, []);
                long offset = 0, size = -1;
                if (t[5] is IReadOnlyList<object?> { Count: 3 } view)
                {
                    offset = Convert.ToInt64(view[1], System.Globalization.CultureInfo.InvariantCulture);
                    size = Convert.ToInt64(view[2], System.Globalization.CultureInfo.InvariantCulture);
                }
                if (!pending.TryGetValue(key, out var list)) pending[key] = list = [];
                list.Add((reference, offset, size));
                return reference;
            },
        }.Load();
        var keys = Plain().Load() as IReadOnlyList<object?> ?? throw new InvalidDataException($"{path}: storage key list missing");
        var reader = new BinaryReader(stream);
        foreach (var k in keys)
        {
            var key = Convert.ToString(k, System.Globalization.CultureInfo.InvariantCulture)!;
            if (!types.TryGetValue(key, out var dtype)) throw new InvalidDataException($"{path}: storage {key} is listed but never used");
            var count = reader.ReadInt64();
            var bytes = reader.ReadBytes(checked((int)(count * dtype.ElementSize())));
            if (bytes.Length != count * dtype.ElementSize()) throw new InvalidDataException($"{path}: storage {key} is truncated");
            foreach (var (reference, offset, size) in pending[key])
            {
                var element = dtype.ElementSize();
                reference.Bytes = size < 0 ? bytes : bytes.AsSpan((int)(offset * element), (int)(size * element)).ToArray();
            }
        }
        var listed = keys.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        foreach (var key in pending.Keys)
            if (!listed.Contains(key)) throw new InvalidDataException($"{path}: storage key {key} missing");
        return TorchGlobals.Resolve(obj, path);
    }
}

/// <summary>A storage read (or to be read) from the file: its element type and raw bytes.</summary>
internal sealed class StorageRef(DType dtype, byte[] bytes)
{
    public DType DType { get; } = dtype;

    public byte[] Bytes { get; set; } = bytes;
}
