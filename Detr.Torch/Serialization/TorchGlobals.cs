using System.Globalization;

namespace Detr.Torch.Serialization;

/// <summary>
/// The Python globals a PyTorch checkpoint may name, and what loading does with each. Everything not
/// listed here is refused by name: loading a file never runs code from it.
/// </summary>
internal static class TorchGlobals
{
    private static readonly Dictionary<string, DType> StorageTypes = new()
    {
        ["FloatStorage"] = DType.Float32, ["DoubleStorage"] = DType.Float64, ["HalfStorage"] = DType.Float16,
        ["BFloat16Storage"] = DType.BFloat16, ["LongStorage"] = DType.Int64, ["IntStorage"] = DType.Int32,
        ["ShortStorage"] = DType.Int16, ["CharStorage"] = DType.Int8, ["ByteStorage"] = DType.UInt8,
        ["BoolStorage"] = DType.Bool,
    };

    private static readonly HashSet<string> Allowed =
    [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "argparse.Namespace",
        "torch.device", "torch.Size", "builtins.set", "builtins.frozenset", "_codecs.encode",
        "numpy.dtype", "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
    ];

    public static bool IsAllowed(string module, string name) =>
        Allowed.Contains($"{module}.{name}") || (module == "torch" && StorageTypes.ContainsKey(name));

    public static DType StorageDType(object? storageType, string path) =>
        storageType is PickleGlobal { Module: "torch" } g && StorageTypes.TryGetValue(g.Name, out var dtype)
            ? dtype
            : throw new InvalidDataException($"{path}: unknown storage type {storageType}");

    public static object? Call(PickleGlobal g, IReadOnlyList<object?> args, string path)
    {
        switch (g.FullName)
        {
            case "collections.OrderedDict":
                var dict = new Dictionary<object, object?>();
                if (args.Count > 0 && args[0] is IReadOnlyList<object?> pairs)
                    foreach (var pair in pairs)
                        if (pair is IReadOnlyList<object?> { Count: 2 } kv) dict[kv[0]!] = kv[1];
                return dict;
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor":
                // (storage, storage_offset, size, stride, [requires_grad, backward_hooks, metadata])
                if (args.Count < 4 || args[0] is not StorageRef storage)
                    throw new InvalidDataException($"{path}: malformed tensor record ({args.Count} arguments)");
                return new PendingTensor(storage, Long(args[1]), Longs(args[2]), Longs(args[3]));
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                return args.Count > 0 ? args[0] : null;
            case "torch.Size":
                return args.Count > 0 ? args[0] : Array.Empty<object?>();
            case "torch.device":
                return string.Join(":", args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture)));
            case "builtins.set":
            case "builtins.frozenset":
                return new HashSet<object?>(args.Count > 0 && args[0] is IEnumerable<object?> items ? items : []);
            case "_codecs.encode":
                return args.Count > 0 && args[0] is string text ? System.Text.Encoding.Latin1.GetBytes(text) : Array.Empty<byte>();
            case "numpy.core.multiarray.scalar":
            case "numpy._core.multiarray.scalar":
                return NumpyScalar(args, path);
            default:
                return new PickleObject(g.FullName, args); // argparse.Namespace, numpy.dtype: kept as data
        }
    }

    private static object NumpyScalar(IReadOnlyList<object?> args, string path)
    {
        var code = args.Count > 0 && args[0] is PickleObject { Args.Count: > 0 } dtype ? dtype.Args[0] as string : null;
        var bytes = args.Count > 1 ? args[1] as byte[] : null;
        if (code == null || bytes == null) throw new InvalidDataException($"{path}: malformed numpy scalar");
        return code switch
        {
            "f8" => BitConverter.ToDouble(bytes),
            "f4" => (double)BitConverter.ToSingle(bytes),
            "i8" => BitConverter.ToInt64(bytes),
            "i4" => (long)BitConverter.ToInt32(bytes),
            "b1" => bytes[0] != 0,
            _ => throw new InvalidDataException($"{path}: numpy scalar of type '{code}' is not supported"),
        };
    }

    private static long Long(object? o) => Convert.ToInt64(o, CultureInfo.InvariantCulture);

    private static long[] Longs(object? o) =>
        o is IReadOnlyList<object?> list ? list.Select(Long).ToArray() : throw new InvalidDataException("tensor size/stride is not a tuple");

    /// <summary>Replaces every pending tensor in the object tree by its data (storages are all read by now).</summary>
    public static object? Resolve(object? o, string path) => o switch
    {
        PendingTensor p => RawTensor.FromStorage(p.Storage.DType, p.Storage.Bytes, p.Offset, p.Shape, p.Strides, path),
        Dictionary<object, object?> d => d.ToDictionary(kv => kv.Key, kv => Resolve(kv.Value, path)),
        List<object?> l => l.Select(x => Resolve(x, path)).ToList(),
        object?[] t => t.Select(x => Resolve(x, path)).ToArray(),
        PickleObject po => ResolveObject(po, path),
        _ => o,
    };

    private static PickleObject ResolveObject(PickleObject po, string path) =>
        new(po.Class, po.Args.Select(a => Resolve(a, path)).ToList()) { State = Resolve(po.State, path) };

    private sealed record PendingTensor(StorageRef Storage, long Offset, long[] Shape, long[] Strides);
}
