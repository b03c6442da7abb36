namespace Detr.Torch.Tests;

/// <summary>
/// Tests that compare the process-wide live-tensor count run alone: another test creating tensors
/// on a parallel thread would change the count under them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveCountCollection
{
    public const string Name = "live tensor count";
}
