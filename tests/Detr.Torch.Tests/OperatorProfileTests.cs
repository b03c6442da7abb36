using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class OperatorProfileTests
{
    [Fact]
    public void The_profile_counts_each_operator_and_splits_self_from_total_time()
    {
        using var scope = DisposeScope.Enter();
        var a = F32([1, 2, 3, 4], 2, 2);
        var profile = OperatorProfile.Record(() =>
        {
            for (var i = 0; i < 3; i++) a.Matmul(a);
            a.Sum();
        });
        var mm = Assert.Single(profile.Rows, r => r.Name == "aten::mm");
        Assert.Equal(3, mm.Calls);
        Assert.Contains(profile.Rows, r => r.Name == "aten::sum");             // (a full sum is recorded twice: sum → sum.dim_IntList)
        Assert.All(profile.Rows, r => Assert.True(r.SelfMs >= 0 && r.SelfMs <= r.TotalMs + 1e-9, $"{r.Name}: self {r.SelfMs} total {r.TotalMs}"));
        var matmul = Assert.Single(profile.Rows, r => r.Name == "aten::matmul");
        Assert.True(matmul.TotalMs >= mm.TotalMs - 1e-9);                         // matmul calls mm: its total includes mm's
        Assert.Equal(profile.Rows.OrderByDescending(r => r.SelfMs).Select(r => r.Name), profile.Rows.Select(r => r.Name));
    }

    [Fact]
    public void A_failure_inside_the_profiled_work_still_ends_the_recording()
    {
        using var scope = DisposeScope.Enter();
        Assert.Throws<TorchException>(() => OperatorProfile.Record(() => F32([1, 2, 3], 3).Matmul(F32([1, 2], 2))));
        var next = OperatorProfile.Record(() => F32([1, 2], 2).Add(F32([3, 4], 2)));
        Assert.Equal(1, Assert.Single(next.Rows, r => r.Name == "aten::add").Calls);
        Assert.DoesNotContain(next.Rows, r => r.Name == "aten::mm");
    }
}
