namespace Detr.Runtime.Data;

/// <summary>
/// Long-lived threads for the loaders' workers, reused from one epoch (and one loader) to the next. A
/// worker's thread-local state — the libjpeg-turbo decompressor, the decoded planes' buffers, the resize
/// taps already computed, the renderer's rows — then stays built and warm, where new threads every epoch
/// built it all again (and the taps cache refilled) at the start of each. A thread idle for
/// <see cref="IdleTimeout"/> ends; they are background threads, so they never keep the process alive.
/// </summary>
internal static class LoaderThreads
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private static readonly object gate = new();
    private static readonly List<Worker> idle = [];

    /// <summary>Runs <paramref name="work"/> on an idle loader thread, or on a new one. <paramref name="work"/> must not throw.</summary>
    public static void Run(Action work)
    {
        lock (gate)
        {
            if (idle.Count > 0)
            {
                var worker = idle[^1];
                idle.RemoveAt(idle.Count - 1);
                worker.Work = work;
                Monitor.PulseAll(gate);
                return;
            }
        }
        var fresh = new Worker { Work = work };
        new Thread(fresh.Loop) { IsBackground = true, Name = "detr loader" }.Start();
    }

    /// <summary>Threads waiting for work now (for tests).</summary>
    internal static int Idle
    {
        get { lock (gate) return idle.Count; }
    }

    private sealed class Worker
    {
        public Action? Work;

        public void Loop()
        {
            while (true)
            {
                var work = Work!;
                Work = null;
                work();
                lock (gate)
                {
                    idle.Add(this);
                    var deadline = Environment.TickCount64 + (long)IdleTimeout.TotalMilliseconds;
                    while (Work is null)                       // Run hands work over under the same lock
                    {
                        var left = deadline - Environment.TickCount64;
                        if (left <= 0)
                        {
                            idle.Remove(this);
                            return;
                        }
                        Monitor.Wait(gate, (int)left);
                    }
                }
            }
        }
    }
}
