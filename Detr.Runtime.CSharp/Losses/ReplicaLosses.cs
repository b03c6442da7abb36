namespace Detr.Runtime.Losses;

/// <summary>
/// What a loss term was divided by: a sum over the batch's images, matches or anchors divided by
/// max(<see cref="Raw"/>, <see cref="Min"/>) — num_boxes = max(ΣT, 1), a class-weighted mean's Σ w, ATSS's
/// positive count — where Raw is additive over images, so shares of a batch add up to the batch's.
/// </summary>
public readonly record struct Normaliser(double Raw, double Min = 0)
{
    public double Value => Math.Max(Raw, Min);
}

/// <summary>
/// The terms of data-parallel replicas, each computed over its share of a batch, combined into the whole
/// batch's: replica r's term (its share's sum over its own normaliser) times max(Raw_r, Min) / max(ΣRaw, Min)
/// is its share's sum over the batch's normaliser, and these add up to the term one process computes over the
/// batch — as detr's engine all-reduces num_boxes across processes before dividing. A term whose batch
/// normaliser is 0 (class_error without matches) is averaged.
/// </summary>
public static class ReplicaLosses
{
    /// <summary>Replica <paramref name="replica"/>'s factor for every term it has.</summary>
    public static Dictionary<string, double> Factors(IReadOnlyList<IReadOnlyDictionary<string, Normaliser>> replicas, int replica)
    {
        var factors = new Dictionary<string, double>();
        foreach (var (name, own) in replicas[replica])
        {
            var raw = 0.0;
            foreach (var r in replicas)
                raw += r.TryGetValue(name, out var n) ? n.Raw
                       : throw new ArgumentException($"replica terms differ: '{name}' is missing from one replica");
            var batch = Math.Max(raw, own.Min);
            factors[name] = batch > 0 ? own.Value / batch : 1.0 / replicas.Count;
        }
        return factors;
    }
}
