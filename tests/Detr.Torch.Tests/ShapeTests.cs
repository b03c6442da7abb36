using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class ShapeTests
{
    // x = [[0, 1, 2], [3, 4, 5]]
    private static Tensor X() => F64([0, 1, 2, 3, 4, 5], 2, 3);

    [Fact]
    public void View_reshape_flatten_and_unflatten_keep_c_order()
    {
        using var scope = DisposeScope.Enter();
        var x = X();
        Shape([3, 2], x.View(3, 2));
        Near([0, 1, 2, 3, 4, 5], x.View(3, 2));
        Shape([6], x.Reshape(-1));
        Shape([6], x.Flatten());
        Shape([2, 3, 1], x.Unflatten(1, 3, 1));
        Shape([1, 2, 3], x.Unsqueeze(0));
        Shape([2, 3], x.Unsqueeze(0).Unsqueeze(-1).Squeeze());
        Shape([2, 3, 1], x.Unsqueeze(0).Unsqueeze(-1).Squeeze(0));
        Assert.Throws<TorchException>(() => x.View(4, 2));
    }

    [Fact]
    public void Permute_and_transpose_move_elements()
    {
        using var scope = DisposeScope.Enter();
        var x = X();
        Near([0, 3, 1, 4, 2, 5], x.Transpose(0, 1).Contiguous());
        Near([0, 3, 1, 4, 2, 5], x.T().Contiguous());
        var y = F64([0, 1, 2, 3, 4, 5, 6, 7], 2, 2, 2); // [a, b, c]
        Near([0, 4, 2, 6, 1, 5, 3, 7], y.Permute(2, 1, 0).Contiguous()); // out[c, b, a]
        Assert.False(y.Permute(2, 1, 0).IsContiguous);
    }

    [Fact]
    public void Expand_and_repeat_broadcast()
    {
        using var scope = DisposeScope.Enter();
        var v = F64([1, 2], 2, 1);
        Near([1, 1, 1, 2, 2, 2], v.Expand(2, 3));
        Near([1, 1, 2, 2], v.Expand(-1, 2));
        Near([1, 2, 1, 2], F64([1, 2]).Repeat(2));
        Near([1, 1, 2, 2, 1, 1, 2, 2], v.Repeat(2, 2));
        Shape([2, 3], v.ExpandAs(X()));
    }

    [Fact]
    public void Cat_stack_split_chunk_unbind()
    {
        using var scope = DisposeScope.Enter();
        var x = X();
        Near([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5], Tensor.Cat([x, x], 0));
        Near([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5], Tensor.Cat([x, x], 1));
        Shape([2, 2, 3], Tensor.Stack([x, x]));
        Shape([2, 3, 2], Tensor.Stack([x, x], -1));
        var parts = x.Split(2, 1);
        Assert.Equal(2, parts.Length);
        Near([0, 1, 3, 4], parts[0]);
        Near([2, 5], parts[1]);
        var sized = x.Split([1, 2], 1);
        Near([1, 2, 4, 5], sized[1]);
        var chunks = F64([1, 2, 3, 4, 5]).Chunk(2);
        Near([1, 2, 3], chunks[0]);
        Near([4, 5], chunks[1]);
        var rows = x.Unbind(0);
        Near([3, 4, 5], rows[1]);
        Assert.Throws<TorchException>(() => Tensor.Cat([x, F64([1, 2], 1, 2)], 0));
    }

    [Fact]
    public void Narrow_slice_select_flip_roll()
    {
        using var scope = DisposeScope.Enter();
        var x = X();
        Near([1, 2, 4, 5], x.Narrow(1, 1, 2));
        Near([0, 2, 3, 5], x.Slice(1, 0, long.MaxValue, 2));
        Near([2, 5], x.Slice(1, -1));
        Near([3, 4, 5], x.Select(0, 1));
        Near([1, 4], x.Select(1, -2));
        Near([2, 1, 0, 5, 4, 3], x.Flip(1));
        Near([2, 0, 1, 5, 3, 4], x.Roll([1], [1]));
        Near([0, 0, 0, 3, 4, 0], x.Tril());
        Near([0, 1, 2, 0, 4, 5], x.Triu());
        Assert.Throws<TorchException>(() => x.Select(0, 5));
    }

    [Fact]
    public void As_strided_reads_a_transposed_view_of_the_storage()
    {
        using var scope = DisposeScope.Enter();
        var storage = F64([9, 0, 1, 2, 3, 4, 5]);
        Near([0, 2, 4, 1, 3, 5], storage.AsStrided([2, 3], [1, 2], 1)); // (i, j) -> storage[1 + i + 2j]
    }
}
