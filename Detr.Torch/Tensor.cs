using System.Runtime.InteropServices;
using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>
/// A libtorch tensor owned by managed code. Every operation returns a new tensor that the caller
/// owns: dispose it, or create it inside a <see cref="DisposeScope"/>. Operations never dispose
/// their inputs. The API is split by concept across partial files (Tensor.Shape.cs, Tensor.Math.cs ...)
/// and uses PyTorch's vocabulary in .NET casing.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    internal readonly TensorHandle Handle;

    /// <summary>The scope that will free this tensor, if any.</summary>
    internal DisposeScope? Scope;

    private Tensor(IntPtr handle)
    {
        Handle = new TensorHandle(handle);
        DisposeScope.Current?.Attach(this);
    }

    /// <summary>Takes ownership of a fresh native handle; a null handle means the call failed.</summary>
    internal static Tensor Wrap(IntPtr handle) =>
        handle == IntPtr.Zero ? throw new TorchException(NativeMethods.LastError()) : new Tensor(handle);

    public void Dispose() => Handle.Dispose();

    /// <summary>The raw native handle for list and optional arguments; callers keep the tensor alive
    /// (GC.KeepAlive) until the native call returns.</summary>
    internal IntPtr RawHandle =>
        Handle.IsClosed ? throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed") : Handle.DangerousGetHandle();

    /// <summary>Raw handle of an optional argument (IntPtr.Zero when absent).</summary>
    internal static IntPtr Raw(Tensor? t) => t is null ? IntPtr.Zero : t.RawHandle;

    /// <summary>Takes ownership of a handle that may legitimately be null (an absent gradient).</summary>
    internal static Tensor? WrapOptional(IntPtr handle) => handle == IntPtr.Zero ? null : new Tensor(handle);

    /// <summary>Wraps a native array of fresh handles.</summary>
    internal static unsafe Tensor[] WrapAll(IntPtr* handles, int count)
    {
        var result = new Tensor[count];
        for (var i = 0; i < count; i++) result[i] = Wrap(handles[i]);
        return result;
    }

    /// <summary>Raw handles of a list argument; keep <paramref name="tensors"/> alive until the call returns.</summary>
    internal static IntPtr[] RawHandles(IReadOnlyList<Tensor> tensors)
    {
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].RawHandle;
        return handles;
    }

    public bool IsDisposed => Handle.IsClosed;

    /// <summary>Removes this tensor from its dispose scope: the caller now owns it.</summary>
    public Tensor DetachFromScope()
    {
        Scope = null; // the scope skips tensors whose Scope is no longer itself
        return this;
    }

    /// <summary>Moves this tensor to the scope enclosing its current one (or out of any scope).</summary>
    public Tensor MoveToOuterScope() => Scope?.MoveOut(this) ?? this;

    /// <summary>Number of handles owned by managed code right now (for leak checks).</summary>
    public static long LiveCount => NativeMethods.dt_live_tensor_count();

    // ---- properties -------------------------------------------------------------------------

    public int Dim => NativeMethods.Check(NativeMethods.dt_tensor_dim(Handle));

    public unsafe long[] Shape
    {
        get
        {
            Span<long> buffer = stackalloc long[16];
            int n;
            fixed (long* p = buffer) n = NativeMethods.Check(NativeMethods.dt_tensor_sizes(Handle, p, buffer.Length));
            if (n <= buffer.Length) return buffer[..n].ToArray();
            var sizes = new long[n];
            fixed (long* p = sizes) NativeMethods.Check(NativeMethods.dt_tensor_sizes(Handle, p, n));
            return sizes;
        }
    }

    public unsafe long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides) NativeMethods.Check(NativeMethods.dt_tensor_strides(Handle, p, strides.Length));
            return strides;
        }
    }

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        return shape[dim < 0 ? dim + shape.Length : dim];
    }

    public long NumEl => NativeMethods.Check(NativeMethods.dt_tensor_numel(Handle));

    public DType DType => (DType)NativeMethods.Check(NativeMethods.dt_tensor_dtype(Handle));

    public Device Device => Device.FromNative(NativeMethods.Check(NativeMethods.dt_tensor_device(Handle)));

    public bool IsContiguous => NativeMethods.Check(NativeMethods.dt_tensor_is_contiguous(Handle)) == 1;

    // ---- data in and out ---------------------------------------------------------------------

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(data);
        fixed (byte* p = bytes)
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_tensor_from_data(p, bytes.Length, (int)DTypeExtensions.Of<T>(), dims, shape.Length));
    }

    /// <summary>A 1-D (or, with <paramref name="shape"/>, reshaped) CPU tensor copied from an array.</summary>
    public static Tensor From<T>(T[] data, params long[] shape) where T : unmanaged =>
        FromSpan<T>(data, shape.Length == 0 ? [data.LongLength] : shape);

    /// <summary>A CPU tensor of any dtype from raw little-endian bytes (weights files).</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, params long[] shape)
    {
        fixed (byte* p = bytes)
        fixed (long* dims = shape)
            return Wrap(NativeMethods.dt_tensor_from_data(p, bytes.Length, (int)dtype, dims, shape.Length));
    }

    /// <summary>Copies the elements (C order, from any device) into <paramref name="destination"/>.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(destination);
        fixed (byte* p = bytes)
            NativeMethods.Check(NativeMethods.dt_tensor_copy_to(Handle, (int)DTypeExtensions.Of<T>(), p, bytes.Length));
    }

    /// <summary>The elements in C order. The dtype must match <typeparamref name="T"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var result = new T[NumEl];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>
    /// The elements of a contiguous CPU tensor as a writable span over libtorch's memory (no copy); valid
    /// while the tensor lives. For filling tensors in place (the data pipeline renders into batch tensors).
    /// </summary>
    public unsafe Span<T> DataSpan<T>() where T : unmanaged
    {
        if (DType != DTypeExtensions.Of<T>()) throw new TorchException($"tensor has dtype {DType.Name()}, not {DTypeExtensions.Of<T>().Name()}");
        var p = NativeMethods.dt_tensor_data_ptr(Handle);
        if (p == null) throw new TorchException(NativeMethods.LastError());
        return new Span<T>(p, checked((int)NumEl));
    }

    /// <summary>Raw bytes of the elements in C order (any dtype).</summary>
    public unsafe byte[] ToBytes()
    {
        var dtype = DType;
        var result = new byte[NumEl * dtype.ElementSize()];
        fixed (byte* p = result)
            NativeMethods.Check(NativeMethods.dt_tensor_copy_to(Handle, (int)dtype, p, result.Length));
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public unsafe double Item()
    {
        double value;
        NativeMethods.Check(NativeMethods.dt_tensor_item_double(Handle, &value));
        return value;
    }

    public unsafe long ItemInt64()
    {
        long value;
        NativeMethods.Check(NativeMethods.dt_tensor_item_int64(Handle, &value));
        return value;
    }

    // ---- conversion and copies ---------------------------------------------------------------

    public Tensor To(DType dtype) => Wrap(NativeMethods.dt_tensor_to(Handle, (int)dtype, -1, 0, 0));

    public Tensor To(Device device, bool nonBlocking = false) =>
        Wrap(NativeMethods.dt_tensor_to(Handle, -1, (int)device.Type, device.Index, nonBlocking ? 1 : 0));

    public Tensor To(Device device, DType dtype) =>
        Wrap(NativeMethods.dt_tensor_to(Handle, (int)dtype, (int)device.Type, device.Index, 0));

    public Tensor Contiguous() => Wrap(NativeMethods.dt_tensor_contiguous(Handle));

    public Tensor Clone() => Wrap(NativeMethods.dt_tensor_clone(Handle));

    /// <summary>A second handle to the same tensor (same storage, same autograd identity).</summary>
    public Tensor Share() => Wrap(NativeMethods.dt_tensor_share(Handle));

    /// <summary>In place: copies <paramref name="source"/> into this tensor (broadcasting, converting).</summary>
    public Tensor CopyFrom(Tensor source)
    {
        NativeMethods.Check(NativeMethods.dt_tensor_copy_(Handle, source.Handle));
        return this;
    }

    /// <summary>Makes this handle refer to <paramref name="value"/> (PyTorch's <c>t.data = value</c>).</summary>
    public void SetData(Tensor value) => NativeMethods.Check(NativeMethods.dt_tensor_set_data(Handle, value.Handle));

    public override string ToString() =>
        Handle.IsClosed ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", Shape)}], {DType.Name()}, {Device})";
}
