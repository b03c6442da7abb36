using System.Runtime.InteropServices;

namespace Detr.Torch.Interop;

/// <summary>Owns one native tensor handle (a heap <c>at::Tensor*</c>); frees it exactly once.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.dt_tensor_free(handle);
        return true;
    }
}
