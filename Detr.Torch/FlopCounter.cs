namespace Detr.Torch;

/// <summary>
/// Counts the multiply–accumulates of the dense ops (linear, conv2d, bmm, matmul) run on this thread while a
/// count is open, by named section: <c>detr summary</c> reports a model's cost per component from one real
/// forward pass. Off (one thread-static read per op) unless <see cref="Start"/> was called.
/// Papers quote these as "FLOPs" (1 MAC = 1 FLOP, as fvcore counts them for DETR's 86 GFLOPs).
/// </summary>
public static class FlopCounter
{
    [ThreadStatic] private static Dictionary<string, long>? counts;
    [ThreadStatic] private static string? section;

    /// <summary>Opens a count on this thread; disposing the result closes it. Read the counts before.</summary>
    public static Counting Start()
    {
        counts = new Dictionary<string, long>();
        section = "other";
        return new Counting();
    }

    /// <summary>Attributes what runs until disposal to <paramref name="name"/> (a no-op when not counting).</summary>
    public static Section Enter(string name)
    {
        var previous = section;
        if (counts != null) section = name;
        return new Section(previous);
    }

    internal static void Add(long macs)
    {
        if (counts == null) return;
        counts[section!] = counts.GetValueOrDefault(section!) + macs;
    }

    internal static bool IsCounting => counts != null;

    public readonly struct Section(string? previous) : IDisposable
    {
        public void Dispose()
        {
            if (counts != null) section = previous;
        }
    }

    public sealed class Counting : IDisposable
    {
        /// <summary>Multiply–accumulates per section, in the order the sections first ran.</summary>
        public IReadOnlyDictionary<string, long> BySection => counts ?? new Dictionary<string, long>();

        public long Total => BySection.Values.Sum();

        public void Dispose()
        {
            counts = null;
            section = null;
        }
    }

    // ---- the per-op formulas -------------------------------------------------------------------

    /// <summary>x [.., In] → out [.., Out]: numel(out) · In.</summary>
    internal static void Linear(Tensor output, Tensor weight)
    {
        if (IsCounting) Add(output.NumEl * weight.Size(1));
    }

    /// <summary>numel(out) · Cin/groups · kH · kW.</summary>
    internal static void Conv2d(Tensor output, Tensor weight)
    {
        if (IsCounting) Add(output.NumEl * weight.Size(1) * weight.Size(2) * weight.Size(3));
    }

    /// <summary>[.., N, K] · [.., K, M] → numel(out) · K.</summary>
    internal static void Product(Tensor output, Tensor left)
    {
        if (IsCounting) Add(output.NumEl * (left.Dim == 0 ? 1 : left.Size(-1)));
    }
}
