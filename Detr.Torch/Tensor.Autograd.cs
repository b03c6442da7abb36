using Detr.Torch.Interop;

namespace Detr.Torch;

// Autograd (native/dt_autograd.cpp).
public sealed unsafe partial class Tensor
{
    /// <summary>Whether operations on this tensor are recorded for differentiation.</summary>
    public bool RequiresGrad
    {
        get => NativeMethods.Check(NativeMethods.dt_requires_grad(Handle)) == 1;
        set => NativeMethods.Check(NativeMethods.dt_set_requires_grad(Handle, value ? 1 : 0));
    }

    public Tensor RequiresGrad_(bool requires = true)
    {
        RequiresGrad = requires;
        return this;
    }

    public bool IsLeaf => NativeMethods.Check(NativeMethods.dt_is_leaf(Handle)) == 1;

    /// <summary>Accumulates d(this)/d(leaf) into every leaf's <see cref="Grad"/>.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
    {
        NativeMethods.Check(NativeMethods.dt_backward(Handle, Raw(gradient), retainGraph ? 1 : 0, createGraph ? 1 : 0));
        GC.KeepAlive(gradient);
    }

    /// <summary>A new handle to the accumulated gradient, or null when there is none.</summary>
    public Tensor? Grad
    {
        get
        {
            IntPtr g;
            NativeMethods.Check(NativeMethods.dt_grad(Handle, &g));
            return WrapOptional(g);
        }
    }

    /// <summary>Replaces the accumulated gradient; null clears it (PyTorch's set_to_none).</summary>
    public void SetGrad(Tensor? gradient)
    {
        NativeMethods.Check(NativeMethods.dt_set_grad(Handle, Raw(gradient)));
        GC.KeepAlive(gradient);
    }

    /// <summary>Clears the accumulated gradient.</summary>
    public void ZeroGrad() => SetGrad(null);

    /// <summary>The same data, cut from the graph.</summary>
    public Tensor Detach() => Wrap(NativeMethods.dt_detach(Handle));

    public Tensor Detach_()
    {
        NativeMethods.Check(NativeMethods.dt_detach_(Handle));
        return this;
    }
}

/// <summary><c>torch.autograd.grad</c>: gradients of outputs with respect to inputs, without accumulating.</summary>
public static unsafe class Autograd
{
    /// <returns>One gradient per input (null where an input is unused and <paramref name="allowUnused"/>).</returns>
    public static Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? gradOutputs = null,
                                 bool retainGraph = false, bool createGraph = false, bool allowUnused = false)
    {
        var o = Tensor.RawHandles(outputs);
        var i = Tensor.RawHandles(inputs);
        var g = gradOutputs?.Select(Tensor.Raw).ToArray();
        var result = new IntPtr[inputs.Count];
        fixed (IntPtr* po = o)
        fixed (IntPtr* pi = i)
        fixed (IntPtr* pg = g)
        fixed (IntPtr* pr = result)
            NativeMethods.Check(NativeMethods.dt_autograd_grad(po, o.Length, pg, pi, i.Length, retainGraph ? 1 : 0, createGraph ? 1 : 0, allowUnused ? 1 : 0, pr));
        GC.KeepAlive(outputs);
        GC.KeepAlive(inputs);
        GC.KeepAlive(gradOutputs);
        return result.Select(Tensor.WrapOptional).ToArray();
    }
}
