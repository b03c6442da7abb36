using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Detr.Runtime.Data;

/// <summary>
/// Short runs of bytes set to one value with a few overlapping vector stores, inline: a batch's padding is a
/// run at the end of every row of every image (three pixel planes and the mask), tens to a few hundred bytes
/// each, where a call to Span.Fill or Span.Clear per run cost more than the stores themselves.
/// </summary>
internal static unsafe class RowFill
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill(byte* p, int length, byte value)
    {
        if (length >= 32)
        {
            var v = Vector256.Create(value);
            for (var i = 0; i < length - 32; i += 32) v.Store(p + i);
            v.Store(p + length - 32);                    // the last 32 bytes, overlapping the run's previous store
        }
        else if (length >= 16)
        {
            var v = Vector128.Create(value);
            v.Store(p);
            v.Store(p + length - 16);
        }
        else if (length >= 8)
        {
            var v = 0x0101010101010101UL * value;
            *(ulong*)p = v;
            *(ulong*)(p + length - 8) = v;
        }
        else
            for (var i = 0; i < length; i++) p[i] = value;
    }
}
