using Detr.Runtime.Data;
using Detr.Runtime.Data.Transforms;

namespace Detr.Runtime.Tests.Data;

/// <summary>
/// The loaders' long-lived worker threads. In the collection that runs alone, so that no other test's loader
/// takes the idle threads these tests count on.
/// </summary>
[Collection(LiveCountCollection.Name)]
public class LoaderThreadsTests
{
    [ThreadStatic] private static int runsOnThisThread;

    /// <summary>Runs one work item and waits for it; <paramref name="idleWhileRunning"/>: the idle threads while it ran.</summary>
    private static int RunAndWait(out int idleWhileRunning)
    {
        var (runs, idle) = (0, 0);
        using var finished = new ManualResetEventSlim();
        LoaderThreads.Run(() =>
        {
            runs = ++runsOnThisThread;
            idle = LoaderThreads.Idle;
            finished.Set();
        });
        Assert.True(finished.Wait(TimeSpan.FromSeconds(10)));
        idleWhileRunning = idle;
        return runs;
    }

    private static void WaitUntilIdle(int threads)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (LoaderThreads.Idle < threads && DateTime.UtcNow < deadline) Thread.Sleep(1);
        Assert.True(LoaderThreads.Idle >= threads);
    }

    [Fact]
    public void Work_after_work_runs_on_the_same_thread_with_its_thread_local_state()
    {
        var first = RunAndWait(out var idle);
        // Back among the idle ones, on top (other tests' loaders may have left idle threads behind it): a wait
        // for just one idle thread could see an older one while this one is still returning.
        WaitUntilIdle(idle + 1);
        Assert.Equal(first + 1, RunAndWait(out _));   // the thread that ran the first saw its own count
    }

    [Fact]
    public void An_epoch_hands_its_workers_threads_back_for_the_next()
    {
        var dataset = CocoDataset.FromLayout(DataLoaderTests.Root.Value, "train");
        var loader = new DataLoader(dataset, AugmentConfig.Scaled(0.1).Training(), new LoaderOptions(4, true, 1, Workers: 3));
        foreach (var b in loader.Epoch(0)) b.Dispose();
        WaitUntilIdle(3);
        var idle = LoaderThreads.Idle;
        foreach (var b in loader.Epoch(1)) { b.Dispose(); break; }       // left early: the workers still go back
        WaitUntilIdle(idle);
        Assert.Equal(idle, LoaderThreads.Idle);                        // no thread was created for the second epoch
    }
}
