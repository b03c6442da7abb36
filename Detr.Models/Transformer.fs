/// DETR's transformer (detr models/transformer.py): post-norm (or pre-norm) encoder and decoder layers,
/// sequence-first tensors [L, B, C], the decoder returning every layer's (normed) output.
namespace Detr.Models

open Detr.Torch

type TransformerEncoderLayer(dim: int, heads: int, ffn: int, dropout: float, preNorm: bool) as this =
    inherit Module()
    let selfAttn = this.RegisterModule("self_attn", new MultiheadAttention(dim, heads, dropout))
    let linear1 = this.RegisterModule("linear1", new Linear(dim, ffn))
    let linear2 = this.RegisterModule("linear2", new Linear(ffn, dim))
    let norm1 = this.RegisterModule("norm1", new LayerNorm(dim))
    let norm2 = this.RegisterModule("norm2", new LayerNorm(dim))
    member this.Drop(x: Tensor) = Functional.Dropout(x, dropout, this.IsTraining)
    member this.Ffn(x: Tensor) = linear2.Forward(this.Drop(Functional.Relu(linear1.Forward x)))
    /// src [HW, B, C], pos [HW, B, C], mask [B, HW]; q = k = src + pos, v = src.
    member this.Forward(src: Tensor, pos: Tensor, mask: Tensor option) =
        if preNorm then
            let s2 = norm1.Forward src
            let src = src + this.Drop(selfAttn.Forward(s2 + pos, s2 + pos, s2, mask))
            src + this.Drop(this.Ffn(norm2.Forward src))
        else
            let qk = src + pos
            let src = norm1.Forward(src + this.Drop(selfAttn.Forward(qk, qk, src, mask)))
            norm2.Forward(src + this.Drop(this.Ffn src))

type TransformerDecoderLayer(dim: int, heads: int, ffn: int, dropout: float, preNorm: bool) as this =
    inherit Module()
    let selfAttn = this.RegisterModule("self_attn", new MultiheadAttention(dim, heads, dropout))
    let crossAttn = this.RegisterModule("multihead_attn", new MultiheadAttention(dim, heads, dropout))
    let linear1 = this.RegisterModule("linear1", new Linear(dim, ffn))
    let linear2 = this.RegisterModule("linear2", new Linear(ffn, dim))
    let norm1 = this.RegisterModule("norm1", new LayerNorm(dim))
    let norm2 = this.RegisterModule("norm2", new LayerNorm(dim))
    let norm3 = this.RegisterModule("norm3", new LayerNorm(dim))
    member this.Drop(x: Tensor) = Functional.Dropout(x, dropout, this.IsTraining)
    member this.Ffn(x: Tensor) = linear2.Forward(this.Drop(Functional.Relu(linear1.Forward x)))
    /// tgt [Q, B, C], memory [HW, B, C], pos [HW, B, C], queryPos [Q, B, C], memory mask [B, HW]; queryMask [Q, Q]
    /// (true = not attended) keeps query groups apart in the self-attention (hybrid matching).
    member this.Forward(tgt: Tensor, memory: Tensor, pos: Tensor, queryPos: Tensor, mask: Tensor option, ?queryMask: Tensor) =
        if preNorm then
            let t2 = norm1.Forward tgt
            let tgt = tgt + this.Drop(selfAttn.Forward(t2 + queryPos, t2 + queryPos, t2, None, ?attnMask = queryMask))
            let t2 = norm2.Forward tgt
            let tgt = tgt + this.Drop(crossAttn.Forward(t2 + queryPos, memory + pos, memory, mask))
            tgt + this.Drop(this.Ffn(norm3.Forward tgt))
        else
            let qk = tgt + queryPos
            let tgt = norm1.Forward(tgt + this.Drop(selfAttn.Forward(qk, qk, tgt, None, ?attnMask = queryMask)))
            let tgt = norm2.Forward(tgt + this.Drop(crossAttn.Forward(tgt + queryPos, memory + pos, memory, mask)))
            norm3.Forward(tgt + this.Drop(this.Ffn tgt))

type TransformerEncoder(layers: int, dim: int, heads: int, ffn: int, dropout: float, preNorm: bool) as this =
    inherit Module()
    let blocks = this.RegisterModule("layers", new ModuleList<TransformerEncoderLayer>([ for _ in 1..layers -> new TransformerEncoderLayer(dim, heads, ffn, dropout, preNorm) ]))
    let norm = if preNorm then Some(this.RegisterModule("norm", new LayerNorm(dim))) else None
    /// -> memory [HW, B, C] (DETR has no final encoder norm unless pre-norm)
    member _.Forward(src: Tensor, pos: Tensor, mask: Tensor option) =
        let mutable x = src
        for layer in blocks do x <- layer.Forward(x, pos, mask)
        match norm with Some n -> n.Forward x | None -> x

type TransformerDecoder(layers: int, dim: int, heads: int, ffn: int, dropout: float, preNorm: bool) as this =
    inherit Module()
    let blocks = this.RegisterModule("layers", new ModuleList<TransformerDecoderLayer>([ for _ in 1..layers -> new TransformerDecoderLayer(dim, heads, ffn, dropout, preNorm) ]))
    let norm = this.RegisterModule("norm", new LayerNorm(dim))
    /// -> hs [L, Q, B, C]: every layer's output after the shared final norm (the heads' inputs)
    member _.Forward(tgt: Tensor, memory: Tensor, pos: Tensor, queryPos: Tensor, mask: Tensor option, ?queryMask: Tensor) =
        let mutable x = tgt
        let outputs = ResizeArray<Tensor>()
        for layer in blocks do
            x <- layer.Forward(x, memory, pos, queryPos, mask, ?queryMask = queryMask)
            outputs.Add(norm.Forward x)
        Tensor.Stack(outputs, 0)

/// Xavier-uniform for every transformer parameter with more than one dimension (detr Transformer._reset_parameters).
module TransformerInit =
    let xavier (m: Module) =
        for _, p in m.NamedParameters() do
            if p.Dim > 1 then Init.XavierUniform_ p |> ignore
