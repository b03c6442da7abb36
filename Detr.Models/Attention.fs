/// Multi-head attention, sequence-first ([L, B, E]) as torch.nn.MultiheadAttention (PyTorch 1.13).
namespace Detr.Models

open System
open Detr.Torch

module Attention =
    /// Scaled dot-product attention of already projected q [L, B, E], k [S, B, E], v [S, B, Ev] over `heads`
    /// heads; q must already be scaled. key_padding_mask [B, S] (true = padding) and attn_mask [L, S] (true = not
    /// attended, as a boolean attn_mask of nn.MultiheadAttention) get −inf. Returns [L, B, Ev].
    let attend (q: Tensor) (k: Tensor) (v: Tensor) (heads: int) (keyPaddingMask: Tensor option) (attnMask: Tensor option) (dropout: float) (training: bool) =
        let l, b = q.Size(0), q.Size(1)
        let s = k.Size(0)
        let hd = q.Size(2) / int64 heads
        let vhd = v.Size(2) / int64 heads
        let bh = b * int64 heads
        let q = q.Contiguous().View(l, bh, hd).Transpose(0, 1)                  // [B·H, L, hd]
        let k = k.Contiguous().View(s, bh, hd).Transpose(0, 1)                  // [B·H, S, hd]
        let v = v.Contiguous().View(s, bh, vhd).Transpose(0, 1)                 // [B·H, S, vhd]
        let mutable scores = q.Bmm(k.Transpose(1, 2))                            // [B·H, L, S]
        match keyPaddingMask with
        | Some mask ->
            let m = mask.View(b, 1L, 1L, s).Expand(-1L, int64 heads, -1L, -1L).Reshape(bh, 1L, s)
            scores <- scores.MaskedFill(m, Double.NegativeInfinity)
        | None -> ()
        match attnMask with
        | Some mask -> scores <- scores.MaskedFill(mask.Unsqueeze(0), Double.NegativeInfinity)   // [1, L, S] over B·H
        | None -> ()
        let weights = Functional.Dropout(Functional.Softmax(scores, -1), dropout, training)
        weights.Bmm(v).Transpose(0, 1).Contiguous().View(l, b, vhd * int64 heads), weights

/// nn.MultiheadAttention: packed in_proj_weight [3E, E] (q; k; v rows) and in_proj_bias, out_proj.
type MultiheadAttention(dim: int, heads: int, dropout: float) as this =
    inherit Module()
    let inProjWeight = this.RegisterParameter("in_proj_weight", Init.XavierUniform_(Tensor.Empty([| 3L * int64 dim; int64 dim |])))
    let inProjBias = this.RegisterParameter("in_proj_bias", Tensor.Zeros([| 3L * int64 dim |]))
    let outProj = this.RegisterModule("out_proj", new Linear(dim, dim))
    do Init.Zeros_(outProj.Bias.Value) |> ignore
    /// query [L, B, E], key/value [S, B, E] -> [L, B, E]; attnMask [L, S] (true = not attended).
    member this.Forward(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor option, ?attnMask: Tensor) =
        let e = int64 dim
        let w = inProjWeight.Split(e, 0)
        let bias = inProjBias.Split(e, 0)
        let q = Functional.Linear(query, w.[0], bias.[0])
        let k = Functional.Linear(key, w.[1], bias.[1])
        let v = Functional.Linear(value, w.[2], bias.[2])
        let q = q / sqrt (float dim / float heads)                                 // q / sqrt(head_dim), as 1.13
        let out, _ = Attention.attend q k v heads keyPaddingMask attnMask dropout this.IsTraining
        outProj.Forward out

/// Conditional DETR's attention without input projections (models/attention.py): q is scaled by
/// (embed_dim/heads)^-0.5, values may be narrower (vdim), out_proj is vdim → vdim.
type BareMultiheadAttention(embedDim: int, heads: int, vdim: int, dropout: float) as this =
    inherit Module()
    let outProj = this.RegisterModule("out_proj", new Linear(vdim, vdim))
    do Init.Zeros_(outProj.Bias.Value) |> ignore
    member this.Forward(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor option, ?attnMask: Tensor) =
        let scaling = Math.Pow(float embedDim / float heads, -0.5)
        let out, _ = Attention.attend (query * scaling) key value heads keyPaddingMask attnMask dropout this.IsTraining
        outProj.Forward out
