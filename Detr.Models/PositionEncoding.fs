/// Positional encodings of feature maps and how the image's padding mask reaches each map.
/// Carion et al., ECCV 2020 (detr models/position_encoding.py).
namespace Detr.Models

open System
open Detr.Torch

module Masks =
    /// The padding mask of a feature map: the full-resolution mask [B, H, W] resized with PyTorch's legacy
    /// 'nearest' (src = floor(dst · in / out)), as detr's `F.interpolate(m[None].float(), size).to(bool)[0]`.
    let downsample (mask: Tensor) (h: int64) (w: int64) =
        Functional.Interpolate(mask.Unsqueeze(0).To(DType.Float32), h, w).Select(0, 0).To(DType.Bool)

/// Sine encoding of (y, x): `dim/2` channels each, y first, sin/cos interleaved per frequency.
/// `offset` is 0 for DETR and Conditional DETR and 0.5 for Deformable DETR (which subtracts it before normalising).
type PositionEmbeddingSine(numPosFeats: int, temperature: float, normalize: bool, scale: float, offset: float) =
    inherit Module()

    /// Frequencies temperature^(2⌊i/2⌋/n), i in [0, n), float32 as the reference.
    static member Frequencies(n: int, temperature: float, device: Device) =
        let i = Tensor.Arange(0.0, float n, 1.0, DType.Float32, device)
        Tensor.Pow(temperature, 2.0 * i.FloorDivide(2.0) / float n)

    /// [.., n] positions / frequencies -> interleaved [sin f0, cos f0, sin f1, cos f1, ...] over the last dim.
    static member Interleave(pos: Tensor) =
        let last = pos.Dim - 1
        let sin = pos.Slice(last, 0L, Int64.MaxValue, 2L).Sin()
        let cos = pos.Slice(last, 1L, Int64.MaxValue, 2L).Cos()
        Tensor.Stack([| sin; cos |], last + 1).Flatten(last)

    /// mask [B, h, w] (true = padding) -> [B, 2·numPosFeats, h, w]
    member _.Forward(mask: Tensor) =
        let notMask = mask.LogicalNot()
        let mutable y = notMask.Cumsum(1, DType.Float32)   // 1-based counts of valid rows
        let mutable x = notMask.Cumsum(2, DType.Float32)
        if normalize then
            let eps = 1e-6
            // Divides by the last row/column: the number of valid rows/columns (cumsum stops in the padding).
            let yLast = y.Slice(1, -1L)
            let xLast = x.Slice(2, -1L)
            y <- (y - offset) / (yLast + eps) * scale
            x <- (x - offset) / (xLast + eps) * scale
        let dimT = PositionEmbeddingSine.Frequencies(numPosFeats, temperature, mask.Device)
        let posX = PositionEmbeddingSine.Interleave(x.Unsqueeze(3) / dimT)     // [B, h, w, n]
        let posY = PositionEmbeddingSine.Interleave(y.Unsqueeze(3) / dimT)
        Tensor.Cat([| posY; posX |], 3).Permute(0, 3, 1, 2)                      // [B, 2n, h, w]

/// Learned encoding (detr PositionEmbeddingLearned): 50-row and 50-column tables of dim/2 each, x first.
type PositionEmbeddingLearned(numPosFeats: int) as this =
    inherit Module()
    let rowEmbed = this.RegisterModule("row_embed", new Embedding(50, numPosFeats))
    let colEmbed = this.RegisterModule("col_embed", new Embedding(50, numPosFeats))
    do
        Init.Uniform_(rowEmbed.Weight) |> ignore
        Init.Uniform_(colEmbed.Weight) |> ignore
    /// mask [B, h, w] -> [B, 2·numPosFeats, h, w]
    member _.Forward(mask: Tensor) =
        let shape = mask.Shape
        let b, h, w = shape.[0], shape.[1], shape.[2]
        if h > 50L || w > 50L then invalidOp (sprintf "a learned position encoding covers 50x50 feature maps, this one is %dx%d" h w)
        let xEmb = colEmbed.Weight.Narrow(0, 0L, w)                          // [w, n]
        let yEmb = rowEmbed.Weight.Narrow(0, 0L, h)                          // [h, n]
        let pos = Tensor.Cat([| xEmb.Unsqueeze(0).Repeat(h, 1L, 1L); yEmb.Unsqueeze(1).Repeat(1L, w, 1L) |], -1) // [h, w, 2n]
        pos.Permute(2, 0, 1).Unsqueeze(0).Repeat(b, 1L, 1L, 1L)
