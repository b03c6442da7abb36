namespace Detr.Torch.Serialization;

/// <summary>Loads weights by extension: <c>.safetensors</c>, or PyTorch's <c>.pth/.pt/.bin/.ckpt</c>.</summary>
public static class WeightsFile
{
    public static bool IsSafeTensors(string path) => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>Named CPU tensors in file order (a .pth checkpoint gives its "model" state dict).</summary>
    public static IReadOnlyList<(string Name, Tensor Value)> Load(string path) =>
        IsSafeTensors(path)
            ? SafeTensors.Load(path)
            : PthReader.LoadStateDict(path).Select(p => (p.Name, p.Value.ToTensor())).ToList();

    /// <summary>Several files merged into one dictionary; a name in two files is an error naming both.</summary>
    public static Dictionary<string, Tensor> LoadMerged(IEnumerable<string> paths)
    {
        var merged = new Dictionary<string, Tensor>();
        var origin = new Dictionary<string, string>();
        foreach (var path in paths)
            foreach (var (name, value) in Load(path))
            {
                if (origin.TryGetValue(name, out var first))
                    throw new InvalidDataException($"'{name}' is in both {first} and {path}");
                merged[name] = value;
                origin[name] = path;
            }
        return merged;
    }

    /// <summary>Writes a .safetensors file atomically.</summary>
    public static void Save(string path, IEnumerable<(string Name, Tensor Value)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!IsSafeTensors(path)) throw new ArgumentException($"{path}: weights are written as .safetensors");
        SafeTensors.Save(path, tensors, metadata);
    }
}
