namespace Detr.Tests;

/// <summary>
/// Tests that seed libtorch's process-wide generator (or restore its state) and read the same stream back run
/// alone: another test drawing random numbers on a parallel thread in between would change what they read.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRngCollection
{
    public const string Name = "libtorch's global generator";
}
