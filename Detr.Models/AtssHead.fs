/// Co-DETR's auxiliary ATSS head (Zong et al., "DETRs with Collaborative Hybrid Assignments Training", ICCV
/// 2023; Sense-X/Co-DETR projects/models/co_atss_head.py over mmdet's ATSSHead): trained on the encoder's
/// output with one-to-many (ATSS) assignments so that the encoder and backbone get dense supervision, and
/// dropped at inference. Parameter names as the reference's state dict (`bbox_head.0.cls_convs.0.conv.weight`,
/// `bbox_head.0.atss_cls.bias`, `bbox_head.0.scales.0.scale`, ...).
namespace Detr.Models

open System
open Detr.Torch

/// mmcv's ConvModule with GroupNorm: a 3×3 convolution without bias (`conv`), GroupNorm(32) (`gn`), ReLU.
type ConvGroupNorm(inChannels: int, outChannels: int) as this =
    inherit Module()
    let conv = this.RegisterModule("conv", new Conv2d(inChannels, outChannels, 3, padding = 1, bias = false))
    let gn = this.RegisterModule("gn", new GroupNorm(32, outChannels))
    member _.Conv = conv
    /// x [B, in, h, w] -> [B, out, h, w]
    member _.Forward(x: Tensor) = Functional.Relu(gn.Forward(conv.Forward x))

/// mmcv's Scale: one learnable scalar (`scale`, initially 1) multiplying a level's box deltas.
type Scale() as this =
    inherit Module()
    let scale = this.RegisterParameter("scale", Tensor.Scalar 1.0)
    member _.Forward(x: Tensor) = x * scale

/// The predictions of one auxiliary head on one feature level, in training: class logits [B, K, h, w], box
/// deltas [B, 4, h, w] (mmdet's DeltaXYWHBBoxCoder against the level's anchors) and centerness logits
/// [B, 1, h, w]; `Stride` is the level's stride in input pixels.
type DenseLevelOutput =
    { ClassLogits: Tensor
      BoxDeltas: Tensor
      Centerness: Tensor
      Stride: int }

/// ATSS head with `stacked` conv layers per branch (Co-DETR: 1), one anchor per location, `classes` sigmoid
/// logits, one Scale per level.
type AtssHead(dim: int, classes: int, stacked: int, levels: int) as this =
    inherit Module()
    let branch name = this.RegisterModule(name, new ModuleList<ConvGroupNorm>([ for _ in 1 .. stacked -> new ConvGroupNorm(dim, dim) ]))
    let clsConvs = branch "cls_convs"
    let regConvs = branch "reg_convs"
    let atssCls = this.RegisterModule("atss_cls", new Conv2d(dim, classes, 3, padding = 1))
    let atssReg = this.RegisterModule("atss_reg", new Conv2d(dim, 4, 3, padding = 1))
    let atssCenterness = this.RegisterModule("atss_centerness", new Conv2d(dim, 1, 3, padding = 1))
    let scales = this.RegisterModule("scales", new ModuleList<Scale>([ for _ in 1 .. levels -> new Scale() ]))
    do
        // mmdet's init_cfg: Normal(std 0.01) for every Conv2d, bias 0; atss_cls's bias at the focal prior 0.01.
        for conv in [ for c in Seq.append clsConvs regConvs -> c.Conv ] @ [ atssCls; atssReg; atssCenterness ] do
            Init.Normal_(conv.Weight, 0.0, 0.01) |> ignore
            conv.Bias |> Option.iter (fun b -> Init.Zeros_ b |> ignore)
        Init.Constant_(atssCls.Bias.Value, -Math.Log((1.0 - 0.01) / 0.01)) |> ignore

    /// feature [B, dim, h, w] of pyramid level `level` (stride `stride`) -> its class, box and centerness maps.
    member _.Forward(feature: Tensor, level: int, stride: int) =
        let mutable cls = feature
        let mutable reg = feature
        for c in clsConvs do cls <- c.Forward cls
        for c in regConvs do reg <- c.Forward reg
        { ClassLogits = atssCls.Forward cls                                   // [B, K, h, w]
          BoxDeltas = scales.[level].Forward(atssReg.Forward reg)             // [B, 4, h, w]
          Centerness = atssCenterness.Forward reg                             // [B, 1, h, w]
          Stride = stride }
