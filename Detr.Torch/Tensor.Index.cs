using Detr.Torch.Interop;

namespace Detr.Torch;

// Indexing, selection, scatter/gather and sorting (native/dt_index.cpp).
public sealed unsafe partial class Tensor
{
    public Tensor IndexSelect(int dim, Tensor index) => Wrap(NativeMethods.dt_index_select(Handle, dim, index.Handle));

    /// <summary>
    /// Advanced indexing, Python's <c>t[i0, i1, ...]</c> with index tensors (int64 or bool); a null entry
    /// stands for a full slice <c>:</c>. Example: <c>logits.Index(batchIdx, queryIdx)</c>.
    /// </summary>
    public Tensor Index(params Tensor?[] indices)
    {
        var raw = new IntPtr[indices.Length];
        for (var i = 0; i < raw.Length; i++) raw[i] = Raw(indices[i]);
        fixed (IntPtr* p = raw)
        {
            var result = Wrap(NativeMethods.dt_index(Handle, p, raw.Length));
            GC.KeepAlive(indices);
            return result;
        }
    }

    /// <summary>In place: <c>t[indices] = values</c> (or <c>+=</c> with <paramref name="accumulate"/>).</summary>
    public Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        var raw = new IntPtr[indices.Length];
        for (var i = 0; i < raw.Length; i++) raw[i] = Raw(indices[i]);
        fixed (IntPtr* p = raw) NativeMethods.Check(NativeMethods.dt_index_put_(Handle, p, raw.Length, values.Handle, accumulate ? 1 : 0));
        GC.KeepAlive(indices);
        return this;
    }

    public Tensor Gather(int dim, Tensor index) => Wrap(NativeMethods.dt_gather(Handle, dim, index.Handle));

    public Tensor Scatter(int dim, Tensor index, Tensor source) => Wrap(NativeMethods.dt_scatter(Handle, dim, index.Handle, source.Handle));

    public Tensor Scatter(int dim, Tensor index, double value) => Wrap(NativeMethods.dt_scatter_value(Handle, dim, index.Handle, value));

    public Tensor ScatterAdd(int dim, Tensor index, Tensor source) => Wrap(NativeMethods.dt_scatter_add(Handle, dim, index.Handle, source.Handle));

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor MaskedFill(Tensor mask, double value) => Wrap(NativeMethods.dt_masked_fill(Handle, mask.Handle, value));

    public Tensor MaskedFill(Tensor mask, Tensor value) => Wrap(NativeMethods.dt_masked_fill_tensor(Handle, mask.Handle, value.Handle));

    public Tensor MaskedFill_(Tensor mask, double value)
    {
        NativeMethods.Check(NativeMethods.dt_masked_fill_(Handle, mask.Handle, value));
        return this;
    }

    /// <summary>The elements where <paramref name="mask"/> is true, as a 1-D tensor.</summary>
    public Tensor MaskedSelect(Tensor mask) => Wrap(NativeMethods.dt_masked_select(Handle, mask.Handle));

    /// <summary>[N, Dim] int64 coordinates of the non-zero elements.</summary>
    public Tensor Nonzero() => Wrap(NativeMethods.dt_nonzero(Handle));

    public (Tensor Values, Tensor Indices) TopK(long k, int dim = -1, bool largest = true, bool sorted = true)
    {
        var output = stackalloc IntPtr[2];
        NativeMethods.Check(NativeMethods.dt_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, output));
        return (Wrap(output[0]), Wrap(output[1]));
    }

    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false, bool stable = false)
    {
        var output = stackalloc IntPtr[2];
        NativeMethods.Check(NativeMethods.dt_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, output));
        return (Wrap(output[0]), Wrap(output[1]));
    }

    public Tensor Argsort(int dim = -1, bool descending = false, bool stable = false) =>
        Wrap(NativeMethods.dt_argsort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0));

    /// <summary>Index of the maximum over the flattened tensor.</summary>
    public Tensor Argmax() => Wrap(NativeMethods.dt_argmax(Handle, long.MinValue, 0));

    public Tensor Argmax(int dim, bool keepdim = false) => Wrap(NativeMethods.dt_argmax(Handle, dim, keepdim ? 1 : 0));

    public Tensor Argmin() => Wrap(NativeMethods.dt_argmin(Handle, long.MinValue, 0));

    public Tensor Argmin(int dim, bool keepdim = false) => Wrap(NativeMethods.dt_argmin(Handle, dim, keepdim ? 1 : 0));

    /// <summary>Distinct values; Inverse and Counts are null unless requested.</summary>
    public (Tensor Values, Tensor? Inverse, Tensor? Counts) Unique(bool sorted = true, bool returnInverse = false, bool returnCounts = false)
    {
        var output = stackalloc IntPtr[3];
        NativeMethods.Check(NativeMethods.dt_unique(Handle, sorted ? 1 : 0, returnInverse ? 1 : 0, returnCounts ? 1 : 0, output));
        var values = Wrap(output[0]);
        var inverse = Wrap(output[1]);
        var counts = Wrap(output[2]);
        if (!returnInverse) { inverse.Dispose(); inverse = null; }
        if (!returnCounts) { counts.Dispose(); counts = null; }
        return (values, inverse, counts);
    }
}
