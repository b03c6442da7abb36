using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Detr.Runtime.Data.Transforms;
using Detr.Runtime.Imaging;

namespace Detr.Runtime.Data;

public enum BadImagePolicy { Skip, Fail }

/// <summary>Loader settings.</summary>
public sealed record LoaderOptions(int BatchSize, bool Shuffle, int Seed, int Workers = 2, int Prefetch = 4,
                                   BadImagePolicy OnBadImage = BadImagePolicy.Skip, bool DropLast = false, bool FastDct = false);

/// <summary>
/// Batches of a dataset built by N worker threads with a bounded prefetch, delivered in order. The epoch's
/// order is a permutation seeded by (seed, epoch), and every sample's augmentation draws from a generator
/// seeded by (seed, epoch, position), so batches are byte-identical for any number of workers. A corrupt or
/// missing image is logged once by file name, counted, and replaced by the next sample (or fails the epoch
/// with <see cref="BadImagePolicy.Fail"/>); worker exceptions surface on the consumer's thread.
/// </summary>
public sealed class DataLoader(CocoDataset dataset, ITransform transform, LoaderOptions options, Action<string>? log = null)
{
    private readonly ConcurrentDictionary<string, bool> reported = new();

    public CocoDataset Dataset { get; } = dataset;

    public LoaderOptions Options { get; } = options;

    /// <summary>Distinct image files skipped because they could not be read.</summary>
    public int BadImages => reported.Count;

    public int BatchesPerEpoch => Options.DropLast ? Dataset.Count / Options.BatchSize : (Dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The sample order of an epoch.</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, Dataset.Count).ToArray();
        if (Options.Shuffle) new Random(Mix(Options.Seed, epoch, -1)).Shuffle(order);
        return order;
    }

    /// <summary>
    /// The epoch's batches in order. Disposing the enumerator (leaving a foreach) stops the workers; batches
    /// not yet consumed are disposed.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int startBatch = 0)
    {
        var order = Order(epoch);
        var batches = BatchesPerEpoch;
        if (startBatch >= batches) yield break;
        var workers = Math.Max(1, Options.Workers);
        var queue = new InOrderQueue(startBatch, batches, Math.Max(1, Options.Prefetch), workers);
        for (var w = 0; w < workers; w++)
            LoaderThreads.Run(() =>
            {
                try
                {
                    while (queue.Claim() is int b)
                    {
                        Batch? batch = null;
                        Exception? error = null;
                        try { batch = Build(order, epoch, b); }
                        catch (Exception e) { error = e; }
                        queue.Complete(b, batch, error);
                    }
                }
                catch (Exception e) { queue.Fail(e); }                   // the queue's own bookkeeping failed (out of memory)
                finally { queue.Leave(); }
            });

        try
        {
            for (var b = startBatch; b < batches; b++)
            {
                var (batch, error) = queue.Take(b);
                if (error is not null) throw error is ImageDecodeException or InvalidDataException ? error : new InvalidOperationException($"data loader: {error.Message}", error);
                yield return batch!;
            }
        }
        finally
        {
            queue.Stop();
            queue.WaitForWorkers();
            queue.DisposeLeftovers();
        }
    }

    /// <summary>
    /// The batches between the workers and the consumer, under one monitor: a worker claims the next batch
    /// number while fewer than <c>prefetch</c> claimed batches are not taken yet, the consumer takes them in
    /// order. Every wait blocks without spinning: on a machine with as many cores as workers, the spinning
    /// waits of a SemaphoreSlim and of Task.Wait (which yield the core over and over) took CPU time from the
    /// workers. A thread is woken only for what it waits for: the consumer when the batch it waits for is
    /// done (not when a later one is), a worker when a prefetch slot is freed (not when a batch is done).
    /// </summary>
    private sealed class InOrderQueue(int first, int end, int prefetch, int workers)
    {
        private readonly object gate = new();
        private readonly Dictionary<int, (Batch? Batch, Exception? Error)> done = [];
        private int next = first;        // the next batch number to claim
        private int taken = first;       // batches before it have been taken by the consumer
        private int running = workers;   // workers that have not left
        private int awaited = -1;        // the batch the consumer waits for, or −1
        private int claimsWaiting;       // workers waiting for a prefetch slot
        private Exception? failure;
        private bool stopped;

        /// <summary>The next batch to build, once a prefetch slot is free; null when there is none or the epoch was left.</summary>
        public int? Claim()
        {
            lock (gate)
            {
                while (!stopped && next < end && next - taken >= prefetch)
                {
                    claimsWaiting++;
                    Monitor.Wait(gate);
                    claimsWaiting--;
                }
                return stopped || next >= end ? null : next++;
            }
        }

        public void Complete(int b, Batch? batch, Exception? error)
        {
            lock (gate)
            {
                done[b] = (batch, error);
                if (b == awaited) Monitor.PulseAll(gate);
            }
        }

        /// <summary>Batch <paramref name="b"/> (or the exception that building it threw), once it is built; frees its prefetch slot.</summary>
        public (Batch? Batch, Exception? Error) Take(int b)
        {
            lock (gate)
            {
                (Batch?, Exception?) result;
                while (!done.Remove(b, out result))
                {
                    if (failure is not null) return (null, failure);
                    awaited = b;
                    Monitor.Wait(gate);
                }
                awaited = -1;
                taken = b + 1;
                if (claimsWaiting > 0) Monitor.PulseAll(gate);
                return result;
            }
        }

        /// <summary>A worker failed outside a batch: the epoch stops, and the consumer's next wait gets the exception.</summary>
        public void Fail(Exception e)
        {
            lock (gate)
            {
                failure ??= e;
                stopped = true;
                Monitor.PulseAll(gate);
            }
        }

        public void Stop()
        {
            lock (gate)
            {
                stopped = true;
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>A worker is done with the epoch (its thread goes back to <see cref="LoaderThreads"/>).</summary>
        public void Leave()
        {
            lock (gate)
                if (--running == 0) Monitor.PulseAll(gate);
        }

        public void WaitForWorkers()
        {
            lock (gate)
                while (running > 0) Monitor.Wait(gate);
        }

        /// <summary>After the workers have left: the batches built and not taken.</summary>
        public void DisposeLeftovers()
        {
            foreach (var (batch, _) in done.Values) batch?.Dispose();
            done.Clear();
        }
    }

    /// <summary>Builds batch <paramref name="b"/> of an epoch (deterministic in seed, epoch and position only).</summary>
    public Batch Build(int[] order, int epoch, int b)
    {
        // A JPEG is decoded when the batch renders it (JpegSource): one corrupt past its header fails there,
        // and the batch is built again without it, so it is replaced exactly as one that fails to load.
        // The files' bytes are rented (no garbage per read) and given back once the batch is rendered.
        var undecodable = new HashSet<int>();
        while (true)
        {
            var (samples, used) = Samples(order, epoch, b, undecodable);
            try { return Collate.Create(samples, used); }
            catch (SampleDecodeException e)
            {
                if (Options.OnBadImage == BadImagePolicy.Fail) ExceptionDispatchInfo.Throw(e.Decode);
                var index = used[e.Position];
                undecodable.Add(index);
                Report(index, e.Decode);
            }
            finally
            {
                foreach (var s in samples)
                    if (s.Image.Source is JpegSource jpeg) jpeg.Release();
            }
        }
    }

    /// <summary>The batch's transformed samples and their dataset indices, each bad image replaced by the next sample in the epoch's order.</summary>
    private (List<DetectionSample> Samples, List<int> Used) Samples(int[] order, int epoch, int b, HashSet<int> undecodable)
    {
        var first = b * Options.BatchSize;
        var count = Math.Min(Options.BatchSize, order.Length - first);
        var samples = new List<DetectionSample>(count);
        var used = new List<int>(count);
        for (var k = 0; k < count; k++)
        {
            var position = first + k;
            for (var attempt = 0; attempt < order.Length; attempt++)
            {
                var index = order[(position + attempt) % order.Length];
                if (undecodable.Contains(index)) continue;
                try
                {
                    var sample = Dataset.Load(index, Options.FastDct, pooled: true);
                    var rng = new SampleRandom((ulong)Mix(Options.Seed, epoch, position));
                    samples.Add(transform.Apply(sample, rng));
                    used.Add(index);
                    break;
                }
                catch (ImageDecodeException e) when (Options.OnBadImage == BadImagePolicy.Skip)
                {
                    Report(index, e);
                }
            }
            if (samples.Count <= k) throw new InvalidDataException($"{Dataset.ImageFolder}: no readable image left to fill the batch");
        }
        return (samples, used);
    }

    /// <summary>Logs a bad image once per file.</summary>
    private void Report(int index, ImageDecodeException e)
    {
        if (reported.TryAdd(Dataset.ImagePath(index), true)) log?.Invoke($"skipping bad image: {e.Message}");
    }

    /// <summary>A well-mixed 32-bit seed from (seed, epoch, position).</summary>
    public static int Mix(int seed, int epoch, int position)
    {
        var h = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)epoch * 0xC2B2AE3D27D4EB4FUL ^ (ulong)(uint)position * 0x165667B19E3779F9UL;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return (int)(h & 0x7FFFFFFF);
    }
}
