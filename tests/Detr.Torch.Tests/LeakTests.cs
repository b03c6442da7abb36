using Detr.Torch;
using Detr.Torch.Optim;

namespace Detr.Torch.Tests;

/// <summary>Issue #2, acceptance 3: a long training loop leaks neither tensors nor memory.</summary>
[Collection(LiveCountCollection.Name)]
public class LeakTests
{
    private sealed class Mlp : Module
    {
        public Mlp()
        {
            W1 = RegisterParameter("w1", Init.KaimingUniform_(Tensor.Empty([32, 16]), Math.Sqrt(5)));
            B1 = RegisterParameter("b1", Tensor.Zeros([32]));
            W2 = RegisterParameter("w2", Init.KaimingUniform_(Tensor.Empty([1, 32]), Math.Sqrt(5)));
            B2 = RegisterParameter("b2", Tensor.Zeros([1]));
        }

        public Tensor W1 { get; }
        public Tensor B1 { get; }
        public Tensor W2 { get; }
        public Tensor B2 { get; }

        public Tensor Forward(Tensor x) => Functional.Linear(Functional.Relu(Functional.Linear(x, W1, B1)), W2, B2);
    }

    private static long ResidentBytes() => long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1]) * Environment.SystemPageSize;

    [Fact]
    public void Ten_thousand_training_steps_keep_live_tensors_constant_and_rss_flat()
    {
        LibTorch.ManualSeed(0);
        using var model = new Mlp();
        using var optimizer = new AdamW(model.Parameters(), lr: 1e-3);
        void Step()
        {
            using var scope = DisposeScope.Enter();
            var x = Tensor.Randn([8, 16]);
            var y = x.Sum(1, keepdim: true);
            var loss = Functional.MseLoss(model.Forward(x), y);
            optimizer.ZeroGrad();
            loss.Backward();
            GradClip.ClipGradNorm(model.Parameters(), 1.0);
            optimizer.Step();
        }

        for (var i = 0; i < 1000; i++) Step(); // warm-up: allocator pools, JIT tiers
        LiveCountCollection.SettleFinalizers();
        var liveAfterWarmUp = Tensor.LiveCount;
        var (nativeAfterWarmUp, heapAfterWarmUp) = Memory();
        for (var i = 0; i < 9000; i++) Step();
        LiveCountCollection.SettleFinalizers();
        Assert.Equal(liveAfterWarmUp, Tensor.LiveCount);
        var (native, heap) = Memory();
        var growth = (double)(native - nativeAfterWarmUp) / nativeAfterWarmUp;
        Assert.True(growth < 0.05, $"RSS outside the .NET heap grew by {growth:P1} over 9,000 steps ({nativeAfterWarmUp / 1e6:F1} -> {native / 1e6:F1} MB)");
        Assert.True(heap - heapAfterWarmUp < 1_000_000, $"the .NET heap grew from {heapAfterWarmUp / 1e6:F1} to {heap / 1e6:F1} MB");
    }

    /// <summary>
    /// (resident bytes outside the .NET GC's committed memory, live .NET heap bytes) after a full collection.
    /// The GC commits and releases memory for its own budgets (measured: committed 9.9 → 22.7 MB over 29,000
    /// steps with the live heap flat at 1.4 MB), so RSS alone moves without any leak; a native leak shows in
    /// the first number, a managed one in the second.
    /// </summary>
    private static (long Native, long Heap) Memory()
    {
        var info = GC.GetGCMemoryInfo();
        return (ResidentBytes() - info.TotalCommittedBytes, info.HeapSizeBytes);
    }
}
