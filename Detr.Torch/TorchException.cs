namespace Detr.Torch;

/// <summary>A failure inside libtorch (shape mismatch, bad dtype, out of memory ...), with its message.</summary>
public sealed class TorchException(string message) : Exception(message);
