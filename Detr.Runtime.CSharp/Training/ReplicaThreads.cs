using System.Collections.Concurrent;
using Detr.Torch;

namespace Detr.Runtime.Training;

/// <summary>
/// The threads of data-parallel replicas: the caller runs replica 0 and one dedicated thread each of the
/// others, every one with a single libtorch thread (its OpenMP team of one, set once when the thread starts,
/// since libtorch clears its convolution caches whenever the count is set).
/// </summary>
internal sealed class ReplicaThreads : IDisposable
{
    private readonly BlockingCollection<Action>[] queues;
    private readonly Thread[] threads;

    public ReplicaThreads(int replicas)
    {
        queues = Enumerable.Range(1, replicas - 1).Select(_ => new BlockingCollection<Action>()).ToArray();
        threads = queues.Select((queue, i) => new Thread(() => Serve(queue)) { IsBackground = true, Name = $"replica {i + 1}" }).ToArray();
        foreach (var t in threads) t.Start();
    }

    public int Count => threads.Length + 1;

    private static void Serve(BlockingCollection<Action> queue)
    {
        LibTorch.Threads = 1;
        foreach (var work in queue.GetConsumingEnumerable()) work();
    }

    /// <summary>
    /// Runs <paramref name="job"/>(r) for r = 0 .. <paramref name="count"/> − 1 (0 on the calling thread) and waits
    /// for all; the first exception in replica order is rethrown after every job has finished.
    /// </summary>
    public void Run(int count, Action<int> job)
    {
        if (count > Count) throw new ArgumentOutOfRangeException(nameof(count), $"{count} jobs for {Count} replica threads");
        var errors = new Exception?[count];
        using var done = new CountdownEvent(count - 1);
        for (var r = 1; r < count; r++)
        {
            var replica = r;
            queues[r - 1].Add(() =>
            {
                try { job(replica); }
                catch (Exception e) { errors[replica] = e; }
                finally { done.Signal(); }
            });
        }
        try { job(0); }
        catch (Exception e) { errors[0] = e; }
        done.Wait();
        if (errors.FirstOrDefault(e => e is not null) is { } first)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
    }

    public void Dispose()
    {
        foreach (var q in queues) q.CompleteAdding();
        foreach (var t in threads) t.Join();
        foreach (var q in queues) q.Dispose();
    }
}
