namespace Detr.Torch;

public enum DeviceType
{
    Cpu = 0,
    Cuda = 1,
}

/// <summary>A device: <c>cpu</c> or <c>cuda:N</c>.</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    public static readonly Device Cpu = new(DeviceType.Cpu);

    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    public bool IsCuda => Type == DeviceType.Cuda;

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return Cuda();
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out var index) && index >= 0)
            return Cuda(index);
        throw new FormatException($"unknown device '{text}' (expected cpu, cuda or cuda:N)");
    }

    public override string ToString() => IsCuda ? $"cuda:{Index}" : "cpu";

    /// <summary>The native encoding: type * 1000 + index.</summary>
    internal static Device FromNative(int code) => new((DeviceType)(code / 1000), code % 1000);
}
