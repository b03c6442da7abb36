using Detr.Torch.Interop;
using static Detr.Torch.Interop.NativeMethods;

namespace Detr.Torch;

// Reductions (native/dt_reduce.cpp). Without dims they reduce every element to a 0-d tensor.
public sealed unsafe partial class Tensor
{
    private Tensor Reduce(ReduceOp op, int[] dims, bool keepdim, DType? dtype = null)
    {
        var d = Array.ConvertAll(dims, x => (long)x);
        fixed (long* p = d) return Wrap(dt_reduce(Handle, op, p, d.Length, keepdim ? 1 : 0, dtype.HasValue ? (int)dtype.Value : -1));
    }

    public Tensor Sum() => Reduce(ReduceOp.Sum, [], false);
    public Tensor Sum(int dim, bool keepdim = false, DType? dtype = null) => Reduce(ReduceOp.Sum, [dim], keepdim, dtype);
    public Tensor Sum(int[] dims, bool keepdim = false, DType? dtype = null) => Reduce(ReduceOp.Sum, dims, keepdim, dtype);
    public Tensor Mean() => Reduce(ReduceOp.Mean, [], false);
    public Tensor Mean(int dim, bool keepdim = false) => Reduce(ReduceOp.Mean, [dim], keepdim);
    public Tensor Mean(int[] dims, bool keepdim = false) => Reduce(ReduceOp.Mean, dims, keepdim);

    /// <summary>Largest element (0-d).</summary>
    public Tensor Max() => Reduce(ReduceOp.Amax, [], false);
    public Tensor Min() => Reduce(ReduceOp.Amin, [], false);
    public Tensor Amax(int[] dims, bool keepdim = false) => Reduce(ReduceOp.Amax, dims, keepdim);
    public Tensor Amin(int[] dims, bool keepdim = false) => Reduce(ReduceOp.Amin, dims, keepdim);
    public Tensor All() => Reduce(ReduceOp.All, [], false);
    public Tensor All(int dim, bool keepdim = false) => Reduce(ReduceOp.All, [dim], keepdim);
    public Tensor Any() => Reduce(ReduceOp.Any, [], false);
    public Tensor Any(int dim, bool keepdim = false) => Reduce(ReduceOp.Any, [dim], keepdim);
    public Tensor LogSumExp(int[] dims, bool keepdim = false) => Reduce(ReduceOp.LogSumExp, dims, keepdim);

    public Tensor Prod(DType? dtype = null) => Wrap(dt_prod(Handle, long.MinValue, 0, dtype.HasValue ? (int)dtype.Value : -1));
    public Tensor Prod(int dim, bool keepdim = false, DType? dtype = null) => Wrap(dt_prod(Handle, dim, keepdim ? 1 : 0, dtype.HasValue ? (int)dtype.Value : -1));

    /// <summary>Maximum along a dim with the index of its first occurrence.</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepdim = false)
    {
        var output = stackalloc IntPtr[2];
        Check(dt_max_dim(Handle, dim, keepdim ? 1 : 0, output));
        return (Wrap(output[0]), Wrap(output[1]));
    }

    public (Tensor Values, Tensor Indices) Min(int dim, bool keepdim = false)
    {
        var output = stackalloc IntPtr[2];
        Check(dt_min_dim(Handle, dim, keepdim ? 1 : 0, output));
        return (Wrap(output[0]), Wrap(output[1]));
    }

    public Tensor Cumsum(int dim, DType? dtype = null) => Wrap(dt_cumsum(Handle, dim, dtype.HasValue ? (int)dtype.Value : -1));

    /// <summary>p-norm of all elements, or over <paramref name="dims"/>.</summary>
    public Tensor Norm(double p = 2, int[]? dims = null, bool keepdim = false)
    {
        var d = Array.ConvertAll(dims ?? [], x => (long)x);
        fixed (long* q = d) return Wrap(dt_norm(Handle, p, q, d.Length, keepdim ? 1 : 0));
    }

    /// <summary>Standard deviation (unbiased by default, as torch.std).</summary>
    public Tensor Std(int[]? dims = null, bool unbiased = true, bool keepdim = false) => StdVar(false, dims, unbiased, keepdim);

    public Tensor Var(int[]? dims = null, bool unbiased = true, bool keepdim = false) => StdVar(true, dims, unbiased, keepdim);

    private Tensor StdVar(bool variance, int[]? dims, bool unbiased, bool keepdim)
    {
        var d = Array.ConvertAll(dims ?? [], x => (long)x);
        fixed (long* q = d) return Wrap(dt_std_var(Handle, variance ? 1 : 0, q, d.Length, unbiased ? 1 : 0, keepdim ? 1 : 0));
    }
}
