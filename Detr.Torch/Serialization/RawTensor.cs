namespace Detr.Torch.Serialization;

/// <summary>A tensor as bytes: dtype, shape and little-endian element data in C order.</summary>
public sealed record RawTensor(DType DType, long[] Shape, byte[] Data)
{
    public long NumEl => Shape.Aggregate(1L, (a, b) => a * b);

    public Tensor ToTensor() => Tensor.FromBytes(Data, DType, Shape);

    public static RawTensor FromTensor(Tensor t) => new(t.DType, t.Shape, t.ToBytes());

    /// <summary>
    /// Gathers a strided view (PyTorch's storage + offset + sizes + strides, all in elements) into
    /// C order. Validates that every addressed element lies inside the storage.
    /// </summary>
    public static RawTensor FromStorage(DType dtype, ReadOnlySpan<byte> storage, long offset, long[] shape, long[] strides, string what)
    {
        if (shape.Length != strides.Length) throw new InvalidDataException($"{what}: {shape.Length} sizes but {strides.Length} strides");
        var size = dtype.ElementSize();
        var numel = shape.Aggregate(1L, (a, b) => a * b);
        var data = new byte[numel * size];
        if (numel == 0) return new RawTensor(dtype, shape, data);
        // Highest element index the view touches must be inside the storage.
        var last = offset;
        for (var d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 0 || strides[d] < 0) throw new InvalidDataException($"{what}: negative size or stride");
            last += (shape[d] - 1) * strides[d];
        }
        if (offset < 0 || (last + 1) * size > storage.Length)
            throw new InvalidDataException($"{what}: view [{string.Join(", ", shape)}] at offset {offset} needs {(last + 1) * size} bytes, the storage holds {storage.Length}");

        if (IsContiguous(shape, strides))
        {
            storage.Slice((int)(offset * size), data.Length).CopyTo(data);
            return new RawTensor(dtype, shape, data);
        }
        var index = new long[shape.Length];
        for (long k = 0; k < numel; k++)
        {
            var src = offset;
            for (var d = 0; d < shape.Length; d++) src += index[d] * strides[d];
            storage.Slice((int)(src * size), size).CopyTo(data.AsSpan((int)(k * size), size));
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return new RawTensor(dtype, shape, data);
    }

    private static bool IsContiguous(long[] shape, long[] strides)
    {
        long expected = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }
}
