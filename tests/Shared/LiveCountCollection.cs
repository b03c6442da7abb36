namespace Detr.Tests;

/// <summary>
/// Tests that compare the process-wide live-tensor count run alone: another test creating tensors
/// on a parallel thread would change the count under them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveCountCollection
{
    public const string Name = "live tensor count";

    /// <summary>
    /// Tensors that earlier tests dropped without disposing are freed by finalizers, which run on their own
    /// thread after a collection: wait for them so they do not move the count in the middle of a test.
    /// </summary>
    public static void SettleFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
