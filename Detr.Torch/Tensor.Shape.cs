using Detr.Torch.Interop;

namespace Detr.Torch;

// Views, reshapes and splits (native/dt_shape.cpp). Sizes are long; int overloads let F# write View(2, 3).
public sealed unsafe partial class Tensor
{
    private static long[] Longs(int[] values) => Array.ConvertAll(values, v => (long)v);

    public Tensor View(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.dt_view(Handle, p, shape.Length));
    }

    public Tensor View(params int[] shape) => View(Longs(shape));

    public Tensor Reshape(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.dt_reshape(Handle, p, shape.Length));
    }

    public Tensor Reshape(params int[] shape) => Reshape(Longs(shape));

    public Tensor Permute(params int[] dims)
    {
        var d = Longs(dims);
        fixed (long* p = d) return Wrap(NativeMethods.dt_permute(Handle, p, d.Length));
    }

    public Tensor Transpose(int dim0, int dim1) => Wrap(NativeMethods.dt_transpose(Handle, dim0, dim1));

    /// <summary>2-D transpose.</summary>
    public Tensor T() => Transpose(0, 1);

    public Tensor Flatten(int startDim = 0, int endDim = -1) => Wrap(NativeMethods.dt_flatten(Handle, startDim, endDim));

    public Tensor Unflatten(int dim, params long[] sizes)
    {
        fixed (long* p = sizes) return Wrap(NativeMethods.dt_unflatten(Handle, dim, p, sizes.Length));
    }

    public Tensor Unsqueeze(int dim) => Wrap(NativeMethods.dt_unsqueeze(Handle, dim));

    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze() => Wrap(NativeMethods.dt_squeeze(Handle, long.MinValue));

    public Tensor Squeeze(int dim) => Wrap(NativeMethods.dt_squeeze(Handle, dim));

    /// <summary>Broadcast view; -1 keeps a size.</summary>
    public Tensor Expand(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.dt_expand(Handle, p, shape.Length));
    }

    public Tensor Expand(params int[] shape) => Expand(Longs(shape));

    public Tensor ExpandAs(Tensor other) => Expand(other.Shape);

    public Tensor Repeat(params long[] repeats)
    {
        fixed (long* p = repeats) return Wrap(NativeMethods.dt_repeat(Handle, p, repeats.Length));
    }

    public Tensor Repeat(params int[] repeats) => Repeat(Longs(repeats));

    /// <summary>Pieces of <paramref name="size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] Split(long size, int dim = 0)
    {
        var length = Size(dim);
        var count = size <= 0 ? 1 : (int)Math.Max(1, (length + size - 1) / size);
        var output = new IntPtr[count];
        fixed (IntPtr* o = output) return WrapAll(o, NativeMethods.Check(NativeMethods.dt_split(Handle, size, dim, o, count)));
    }

    public Tensor[] Split(long[] sizes, int dim = 0)
    {
        var output = new IntPtr[sizes.Length];
        fixed (IntPtr* o = output)
        fixed (long* p = sizes)
            return WrapAll(o, NativeMethods.Check(NativeMethods.dt_split_sizes(Handle, p, sizes.Length, dim, o, sizes.Length)));
    }

    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        var output = new IntPtr[Math.Max(chunks, 1)];
        fixed (IntPtr* o = output) return WrapAll(o, NativeMethods.Check(NativeMethods.dt_chunk(Handle, chunks, dim, o, output.Length)));
    }

    /// <summary>The slices along <paramref name="dim"/>, that dimension removed.</summary>
    public Tensor[] Unbind(int dim = 0)
    {
        var count = (int)Size(dim);
        var output = new IntPtr[Math.Max(count, 1)];
        fixed (IntPtr* o = output) return WrapAll(o, NativeMethods.Check(NativeMethods.dt_unbind(Handle, dim, o, output.Length)));
    }

    public Tensor Narrow(int dim, long start, long length) => Wrap(NativeMethods.dt_narrow(Handle, dim, start, length));

    /// <summary>Python's <c>t[..., start:end:step]</c> along <paramref name="dim"/>; negative indices count from the end.</summary>
    public Tensor Slice(int dim, long start, long end = long.MaxValue, long step = 1) =>
        Wrap(NativeMethods.dt_slice(Handle, dim, start, end, step));

    /// <summary>Python's <c>t[..., index]</c> along <paramref name="dim"/> (the dimension is removed).</summary>
    public Tensor Select(int dim, long index) => Wrap(NativeMethods.dt_select(Handle, dim, index));

    public Tensor Flip(params int[] dims)
    {
        var d = Longs(dims);
        fixed (long* p = d) return Wrap(NativeMethods.dt_flip(Handle, p, d.Length));
    }

    public Tensor Roll(long[] shifts, int[] dims)
    {
        var d = Longs(dims);
        fixed (long* s = shifts)
        fixed (long* p = d)
            return Wrap(NativeMethods.dt_roll(Handle, s, shifts.Length, p, d.Length));
    }

    public Tensor AsStrided(long[] sizes, long[] strides, long storageOffset = 0)
    {
        if (sizes.Length != strides.Length) throw new ArgumentException("sizes and strides differ in length");
        fixed (long* s = sizes)
        fixed (long* st = strides)
            return Wrap(NativeMethods.dt_as_strided(Handle, s, st, sizes.Length, storageOffset));
    }

    public Tensor Tril(long diagonal = 0) => Wrap(NativeMethods.dt_tril(Handle, diagonal));

    public Tensor Triu(long diagonal = 0) => Wrap(NativeMethods.dt_triu(Handle, diagonal));
}
