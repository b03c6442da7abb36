using System.Runtime.InteropServices;
using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>
/// Reusable native memory for CPU tensors that are made and dropped at a high rate (a data loader's
/// batches). A fresh large tensor pays for the first touch of every one of its pages each time it is made —
/// for an 84 MB batch 55–60 ms, against 8–10 ms to write one whose pages are already mapped (measured on 2
/// cores) — so the loader draws its batch tensors from here. A buffer comes back only when libtorch frees the
/// tensor's storage (its last reference dropped, on any thread), so memory still referenced elsewhere (an
/// autograd graph, a view) is never reused. Idle buffers are bounded in count and bytes; beyond that the
/// oldest are freed.
/// </summary>
public static unsafe class TensorBuffers
{
    private const nuint Alignment = 2 << 20;    // 2 MiB, so the kernel can back them with transparent huge pages
    private const int MadviseHugePage = 14;     // MADV_HUGEPAGE
    private static readonly object Gate = new();
    private static readonly List<(IntPtr Data, nuint Capacity)> Idle = [];
    private static readonly Dictionary<IntPtr, nuint> Capacities = [];
    private static long idleBytes;

    public static int MaxIdleBuffers { get; set; } = 16;

    public static long MaxIdleBytes { get; set; } = 1L << 30;

    /// <summary>Buffers handed out whose tensors libtorch has not freed yet.</summary>
    public static int Outstanding
    {
        get { lock (Gate) return Capacities.Count - Idle.Count; }
    }

    /// <summary>Buffers waiting for reuse.</summary>
    public static int IdleCount
    {
        get { lock (Gate) return Idle.Count; }
    }

    /// <summary>An uninitialised CPU tensor over a pooled buffer.</summary>
    public static Tensor Empty(long[] shape, DType dtype = DType.Float32)
    {
        var elements = 1L;
        foreach (var d in shape)
            elements = d >= 0 ? checked(elements * d) : throw new ArgumentException($"negative dimension in [{string.Join(", ", shape)}]");
        var data = Rent((nuint)Math.Max(1, elements * dtype.ElementSize()));
        IntPtr handle;
        fixed (long* dims = shape)
            handle = NativeMethods.dt_from_blob((void*)data, dims, shape.Length, (int)dtype, &Release, null);
        // A failure after libtorch took the memory would release it through the callback, so the buffer is
        // not returned here; the arguments were checked above and libtorch has no other reason to refuse.
        return Tensor.Wrap(handle);
    }

    private static IntPtr Rent(nuint bytes)
    {
        lock (Gate)
        {
            var best = -1;
            for (var i = 0; i < Idle.Count; i++)
                if (Idle[i].Capacity >= bytes && Idle[i].Capacity <= Math.Max(2 * bytes, bytes + Alignment) && (best < 0 || Idle[i].Capacity < Idle[best].Capacity))
                    best = i;
            if (best >= 0)
            {
                var (data, capacity) = Idle[best];
                Idle.RemoveAt(best);
                idleBytes -= (long)capacity;
                return data;
            }
        }
        var size = (bytes + Alignment - 1) / Alignment * Alignment;
        var fresh = (IntPtr)NativeMemory.AlignedAlloc(size, Alignment);
        if (OperatingSystem.IsLinux()) _ = madvise(fresh, size, MadviseHugePage); // advice only: ignored where unsupported
        lock (Gate) Capacities[fresh] = size;
        return fresh;
    }

    [UnmanagedCallersOnly]
    private static void Release(void* data, void* context)
    {
        var freeNow = new List<IntPtr>(1);
        lock (Gate)
        {
            if (!Capacities.TryGetValue((IntPtr)data, out var capacity)) return; // not ours: cannot happen
            Idle.Add(((IntPtr)data, capacity));
            idleBytes += (long)capacity;
            while (Idle.Count > MaxIdleBuffers || (idleBytes > MaxIdleBytes && Idle.Count > 0))
            {
                var (oldest, size) = Idle[0];
                Idle.RemoveAt(0);
                idleBytes -= (long)size;
                Capacities.Remove(oldest);
                freeNow.Add(oldest);
            }
        }
        foreach (var p in freeNow) NativeMemory.AlignedFree((void*)p);
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int madvise(IntPtr address, nuint length, int advice);
}
