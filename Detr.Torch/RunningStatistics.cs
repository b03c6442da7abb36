namespace Detr.Torch;

/// <summary>
/// Whether batch normalisation in training mode updates its running statistics on this thread. A data-parallel
/// replica other than the first freezes them: it normalises with its own share's batch statistics, and only the
/// first replica's share moves the one copy of the running statistics, as PyTorch's DistributedDataParallel
/// keeps rank 0's buffers (broadcast_buffers) while each rank normalises its own images.
/// </summary>
public static class RunningStatistics
{
    [ThreadStatic] private static bool frozen;

    /// <summary>True while a <see cref="Freeze"/> scope is open on this thread.</summary>
    public static bool FrozenOnThisThread => frozen;

    /// <summary>Leaves running statistics unchanged on this thread until disposed.</summary>
    public static Scope Freeze()
    {
        var previous = frozen;
        frozen = true;
        return new Scope(previous);
    }

    /// <summary>Restores the thread's previous setting when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool previous;

        internal Scope(bool previous) => this.previous = previous;

        public void Dispose() => frozen = previous;
    }
}
