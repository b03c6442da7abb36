/// Basic layers with PyTorch's parameter names and default initialisations (torch.nn, 1.13).
namespace Detr.Models

open System
open Detr.Torch

/// Helpers shared by the model code.
module Ops =
    /// `inverse_sigmoid` of Deformable/Conditional DETR (util/misc.py), eps 1e-5: log(x / (1 − x)) with both
    /// clamped at eps after clamping x to [0, 1].
    let inverseSigmoid (x: Tensor) =
        let x = x.Clamp(0.0, 1.0)
        let x1 = x.ClampMin(1e-5)
        let x2 = (1.0 - x).ClampMin(1e-5)
        (x1 / x2).Log()

/// nn.Linear: weight [out, in], bias [out]; kaiming_uniform(a=√5) weights, uniform(±1/√in) bias.
type Linear(inFeatures: int, outFeatures: int, ?bias: bool) as this =
    inherit Module()
    let weight = this.RegisterParameter("weight", Init.KaimingUniform_(Tensor.Empty([| int64 outFeatures; int64 inFeatures |]), sqrt 5.0))
    let bias =
        if defaultArg bias true then
            let bound = 1.0 / sqrt (float inFeatures)
            Some(this.RegisterParameter("bias", Init.Uniform_(Tensor.Empty([| int64 outFeatures |]), -bound, bound)))
        else None
    member _.Weight = weight
    member _.Bias = bias
    member _.InFeatures = inFeatures
    member _.OutFeatures = outFeatures
    /// x [.., in] -> [.., out]
    member _.Forward(x: Tensor) = Functional.Linear(x, weight, Option.toObj bias)

/// nn.Conv2d: weight [out, in/groups, k, k], optional bias; PyTorch's default init.
type Conv2d(inChannels: int, outChannels: int, kernel: int, ?stride: int, ?padding: int, ?dilation: int, ?bias: bool) as this =
    inherit Module()
    let stride = defaultArg stride 1
    let padding = defaultArg padding 0
    let dilation = defaultArg dilation 1
    let fanIn = inChannels * kernel * kernel
    let weight = this.RegisterParameter("weight", Init.KaimingUniform_(Tensor.Empty([| int64 outChannels; int64 inChannels; int64 kernel; int64 kernel |]), sqrt 5.0))
    let bias =
        if defaultArg bias true then
            let bound = 1.0 / sqrt (float fanIn)
            Some(this.RegisterParameter("bias", Init.Uniform_(Tensor.Empty([| int64 outChannels |]), -bound, bound)))
        else None
    member _.Weight = weight
    member _.Bias = bias
    /// x [B, in, H, W] -> [B, out, H', W']
    member _.Forward(x: Tensor) = Functional.Conv2d(x, weight, Option.toObj bias, stride, padding, dilation)

/// nn.LayerNorm over the last dimension (weight 1, bias 0, eps 1e-5).
type LayerNorm(dim: int, ?eps: float) as this =
    inherit Module()
    let eps = defaultArg eps 1e-5
    let weight = this.RegisterParameter("weight", Tensor.Ones([| int64 dim |]))
    let bias = this.RegisterParameter("bias", Tensor.Zeros([| int64 dim |]))
    member _.Forward(x: Tensor) = Functional.LayerNorm(x, [| int64 dim |], weight, bias, eps)

/// nn.GroupNorm (weight 1, bias 0, eps 1e-5).
type GroupNorm(groups: int, channels: int) as this =
    inherit Module()
    let weight = this.RegisterParameter("weight", Tensor.Ones([| int64 channels |]))
    let bias = this.RegisterParameter("bias", Tensor.Zeros([| int64 channels |]))
    member _.Forward(x: Tensor) = Functional.GroupNorm(x, groups, weight, bias, 1e-5)

/// DETR's FrozenBatchNorm2d (models/backbone.py): statistics and affine parameters are buffers. It computes
/// scale = w·(rv + 1e-5).rsqrt(), shift = b − rm·scale, y = x·scale + shift, in this order (the last ulp differs
/// from (x − rm)/√(rv + eps)·w + b).
type FrozenBatchNorm2d(channels: int) as this =
    inherit Module()
    let weight = this.RegisterBuffer("weight", Tensor.Ones([| int64 channels |]))
    let bias = this.RegisterBuffer("bias", Tensor.Zeros([| int64 channels |]))
    let runningMean = this.RegisterBuffer("running_mean", Tensor.Zeros([| int64 channels |]))
    let runningVar = this.RegisterBuffer("running_var", Tensor.Ones([| int64 channels |]))
    /// x [B, C, H, W]
    member _.Forward(x: Tensor) =
        let scale = weight * (runningVar + 1e-5).Rsqrt()
        let shift = bias - runningMean * scale
        x * scale.View(1, -1, 1, 1) + shift.View(1, -1, 1, 1)

/// nn.BatchNorm2d (trained: batch statistics in training mode, running statistics with momentum 0.1).
type BatchNorm2d(channels: int) as this =
    inherit Module()
    let weight = this.RegisterParameter("weight", Tensor.Ones([| int64 channels |]))
    let bias = this.RegisterParameter("bias", Tensor.Zeros([| int64 channels |]))
    let runningMean = this.RegisterBuffer("running_mean", Tensor.Zeros([| int64 channels |]))
    let runningVar = this.RegisterBuffer("running_var", Tensor.Ones([| int64 channels |]))
    let tracked = this.RegisterBuffer("num_batches_tracked", Tensor.Zeros([| 1L |], DType.Int64).Squeeze())
    member this.Forward(x: Tensor) =
        if this.IsTraining then
            use _ = LibTorch.NoGrad()
            tracked.Add_(1.0) |> ignore
        Functional.BatchNorm(x, runningMean, runningVar, weight, bias, this.IsTraining, 0.1, 1e-5)

/// Either normalisation, as the spec's `frozen_bn` chooses.
[<AbstractClass>]
type Norm2d() =
    static member Create(channels: int, frozen: bool) : Module * (Tensor -> Tensor) =
        if frozen then
            let m = new FrozenBatchNorm2d(channels)
            m :> Module, m.Forward
        else
            let m = new BatchNorm2d(channels)
            m :> Module, m.Forward

/// DETR's MLP: `layers` Linear layers with ReLU between them (models/detr.py MLP).
type Mlp(inDim: int, hidden: int, outDim: int, layers: int) as this =
    inherit Module()
    let dims = [ inDim ] @ List.replicate (layers - 1) hidden @ [ outDim ]
    let linears = this.RegisterModule("layers", new ModuleList<Linear>(List.pairwise dims |> List.map (fun (i, o) -> new Linear(i, o))))
    member _.Layers = linears
    /// x [.., in] -> [.., out]
    member _.Forward(x: Tensor) =
        let mutable y = x
        for i in 0 .. linears.Count - 1 do
            y <- linears.[i].Forward y
            if i < linears.Count - 1 then y <- Functional.Relu y
        y

/// An nn.Embedding's table (`weight` [n, dim], N(0, 1) init), used whole as DETR's query embeddings.
type Embedding(count: int, dim: int) as this =
    inherit Module()
    let weight = this.RegisterParameter("weight", Init.Normal_(Tensor.Empty([| int64 count; int64 dim |]), 0.0, 1.0))
    member _.Weight = weight
