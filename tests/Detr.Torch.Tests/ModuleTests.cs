using Detr.Torch;
using static Detr.Torch.Tests.TestTensors;

namespace Detr.Torch.Tests;

public class ModuleTests
{
    private sealed class Affine : Module
    {
        public Affine(int n)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([n], DType.Float64));
            Bias = RegisterParameter("bias", Tensor.Zeros([n], DType.Float64));
            Count = RegisterBuffer("count", Tensor.Zeros([1], DType.Int64));
            Scratch = RegisterBuffer("scratch", Tensor.Zeros([1]), persistent: false);
        }

        public Tensor Weight { get; }
        public Tensor Bias { get; }
        public Tensor Count { get; }
        public Tensor Scratch { get; }

        public Tensor Forward(Tensor x) => x * Weight + Bias;
    }

    private sealed class Net : Module
    {
        public Net()
        {
            Layers = RegisterModule("layers", new ModuleList<Affine>([new Affine(2), new Affine(2)]));
            Head = RegisterModule("head", new Affine(2));
            // The same module under a second name, as Deformable DETR's shared class heads.
            RegisterModule("alias", Head);
        }

        public ModuleList<Affine> Layers { get; }
        public Affine Head { get; }
    }

    [Fact]
    public void Names_are_dotted_paths_like_pytorch_state_dicts()
    {
        using var net = new Net();
        Assert.Equal(
            ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "head.weight", "head.bias"],
            net.NamedParameters().Select(p => p.Name));
        Assert.Equal(
            ["layers.0.weight", "layers.0.bias", "layers.0.count", "layers.1.weight", "layers.1.bias", "layers.1.count",
             "head.weight", "head.bias", "head.count", "alias.weight", "alias.bias", "alias.count"],
            net.StateDict().Select(s => s.Name));
        Assert.Equal(12, net.ParameterCount());
        Assert.True(net.Head.Weight.RequiresGrad);
    }

    [Fact]
    public void State_dict_round_trips_and_keeps_parameter_objects()
    {
        using var a = new Net();
        using var b = new Net();
        a.Layers[1].Weight.RequiresGrad = false;
        a.Layers[1].Weight.Fill_(5);
        a.Layers[1].Weight.RequiresGrad = true;
        var weight = b.Layers[1].Weight;
        var report = b.LoadStateDict(a.StateDict().ToDictionary(s => s.Name, s => s.Value));
        Assert.True(report.IsExact);
        Assert.Same(weight, b.Layers[1].Weight);
        Near([5, 5], b.Layers[1].Weight);
    }

    [Fact]
    public void Strict_load_names_missing_unexpected_and_mismatched_keys()
    {
        using var net = new Net();
        using var scope = DisposeScope.Enter();
        var state = net.StateDict().ToDictionary(s => s.Name, s => s.Value);
        state.Remove("head.bias");
        state["head.extra"] = Tensor.Zeros([1]);
        state["layers.0.weight"] = Tensor.Zeros([3], DType.Float64);
        var e = Assert.Throws<WeightsMismatchException>(() => net.LoadStateDict(state));
        Assert.Contains("head.bias", e.Message);
        Assert.Contains("head.extra", e.Message);
        Assert.Contains("layers.0.weight: model [2], file [3]", e.Message);
        var report = net.LoadStateDict(state, strict: false);
        Assert.Contains("head.bias", report.Missing);
    }

    [Fact]
    public void Train_eval_and_dtype_moves_reach_every_child()
    {
        using var net = new Net();
        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.IsTraining));
        net.Train();
        Assert.True(net.Layers[0].IsTraining);
        var p = net.Head.Weight;
        net.To(DType.Float32);
        Assert.Same(p, net.Head.Weight);
        Assert.Equal(DType.Float32, net.Head.Weight.DType);
        Assert.Equal(DType.Int64, net.Head.Count.DType);
        Assert.True(net.Head.Weight.RequiresGrad);
    }

    [Fact]
    public void Registering_a_name_twice_is_an_error()
    {
        using var net = new Net();
        Assert.Throws<ArgumentException>(() => net.RegisterModule("head", new Affine(1)));
        Assert.Throws<ArgumentException>(() => net.RegisterParameter("bad.name", Tensor.Zeros([1])));
    }
}
