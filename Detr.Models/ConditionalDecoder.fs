/// Conditional DETR's decoder (Atten4Vis/ConditionalDETR models/transformer.py): conditional spatial queries —
/// reference points from the query embeddings, their sine embedding scaled by a query-dependent MLP, and
/// content and spatial parts concatenated per head in the cross-attention.
/// Meng et al., "Conditional DETR for Fast Training Convergence", ICCV 2021, §3.3.
namespace Detr.Models

open Detr.Torch

type ConditionalDecoderLayer(dim: int, heads: int, ffn: int, dropout: float, isFirst: bool) as this =
    inherit Module()
    let lin name i o = this.RegisterModule(name, new Linear(i, o))
    let saQContent = lin "sa_qcontent_proj" dim dim
    let saQPos = lin "sa_qpos_proj" dim dim
    let saKContent = lin "sa_kcontent_proj" dim dim
    let saKPos = lin "sa_kpos_proj" dim dim
    let saV = lin "sa_v_proj" dim dim
    let selfAttn = this.RegisterModule("self_attn", new BareMultiheadAttention(dim, heads, dim, dropout))
    let caQContent = lin "ca_qcontent_proj" dim dim
    // Only the first layer has ca_qpos_proj (the reference sets it to None in the others).
    let caQPos = if isFirst then Some(lin "ca_qpos_proj" dim dim) else None
    let caKContent = lin "ca_kcontent_proj" dim dim
    let caKPos = lin "ca_kpos_proj" dim dim
    let caV = lin "ca_v_proj" dim dim
    let caQPosSine = lin "ca_qpos_sine_proj" dim dim
    let crossAttn = this.RegisterModule("cross_attn", new BareMultiheadAttention(2 * dim, heads, dim, dropout))
    let linear1 = lin "linear1" dim ffn
    let linear2 = lin "linear2" ffn dim
    let norm1 = this.RegisterModule("norm1", new LayerNorm(dim))
    let norm2 = this.RegisterModule("norm2", new LayerNorm(dim))
    let norm3 = this.RegisterModule("norm3", new LayerNorm(dim))
    member this.Drop(x: Tensor) = Functional.Dropout(x, dropout, this.IsTraining)

    /// tgt [Q, B, C], memory [HW, B, C], pos [HW, B, C], queryPos [Q, B, C], querySine [Q, B, C]; queryMask [Q, Q]
    /// (true = not attended) keeps query groups apart in the self-attention (hybrid matching).
    member this.Forward(tgt: Tensor, memory: Tensor, pos: Tensor, queryPos: Tensor, querySine: Tensor, mask: Tensor option, ?queryMask: Tensor) =
        // Self-attention: content and position projected separately, then added.
        let q = saQContent.Forward tgt + saQPos.Forward queryPos
        let k = saKContent.Forward tgt + saKPos.Forward queryPos
        let tgt = norm1.Forward(tgt + this.Drop(selfAttn.Forward(q, k, saV.Forward tgt, None, ?attnMask = queryMask)))
        // Cross-attention: per head, [content | spatial] halves for queries and keys.
        let qContent = caQContent.Forward tgt
        let kContent = caKContent.Forward memory
        let v = caV.Forward memory
        let kPos = caKPos.Forward pos
        let q, k =
            match caQPos with
            | Some proj -> qContent + proj.Forward queryPos, kContent + kPos     // first layer: positions added too
            | None -> qContent, kContent
        let nq, b = q.Size(0), q.Size(1)
        let hw = k.Size(0)
        let hd = int64 (dim / heads)
        let sine = caQPosSine.Forward(querySine).View(nq, b, int64 heads, hd)
        let q = Tensor.Cat([| q.View(nq, b, int64 heads, hd); sine |], 3).View(nq, b, 2L * int64 dim)   // [Q, B, 2C]
        let k = Tensor.Cat([| k.View(hw, b, int64 heads, hd); kPos.View(hw, b, int64 heads, hd) |], 3).View(hw, b, 2L * int64 dim)
        let tgt = norm2.Forward(tgt + this.Drop(crossAttn.Forward(q, k, v, mask)))
        norm3.Forward(tgt + this.Drop(linear2.Forward(this.Drop(Functional.Relu(linear1.Forward tgt)))))

type ConditionalDecoder(layers: int, dim: int, heads: int, ffn: int, dropout: float) as this =
    inherit Module()
    let blocks =
        this.RegisterModule("layers", new ModuleList<ConditionalDecoderLayer>([ for i in 0 .. layers - 1 -> new ConditionalDecoderLayer(dim, heads, ffn, dropout, (i = 0)) ]))
    let norm = this.RegisterModule("norm", new LayerNorm(dim))
    let queryScale = this.RegisterModule("query_scale", new Mlp(dim, dim, dim, 2))
    let refPointHead = this.RegisterModule("ref_point_head", new Mlp(dim, dim, 2, 2))

    /// Sine embedding of reference points (gen_sineembed_for_position): dim/2 frequencies per coordinate, scale
    /// 2π, temperature 10000, y first. The reference hard-codes 128 frequencies (dim 256); we use dim/2, the same
    /// numbers at dim 256 and a consistent width otherwise (deliberate generalisation).
    static member SineEmbed(points: Tensor, dim: int) =
        let n = dim / 2
        let dimT = PositionEmbeddingSine.Frequencies(n, 10000.0, points.Device)
        let scale = 2.0 * System.Math.PI
        let x = points.Select(-1, 0L) * scale
        let y = points.Select(-1, 1L) * scale
        let posX = PositionEmbeddingSine.Interleave(x.Unsqueeze(-1) / dimT)
        let posY = PositionEmbeddingSine.Interleave(y.Unsqueeze(-1) / dimT)
        Tensor.Cat([| posY; posX |], -1)

    /// -> (hs [L, Q, B, C] normed, reference points [B, Q, 2] in (0, 1))
    member _.Forward(tgt: Tensor, memory: Tensor, pos: Tensor, queryPos: Tensor, mask: Tensor option, ?queryMask: Tensor) =
        let reference = refPointHead.Forward(queryPos).Sigmoid().Transpose(0, 1)  // [B, Q, 2], the same for every layer
        let center = reference.Transpose(0, 1)                                        // [Q, B, 2]
        let sine = ConditionalDecoder.SineEmbed(center, dim)
        let mutable output = tgt
        let outputs = ResizeArray<Tensor>()
        for i in 0 .. blocks.Count - 1 do
            // Layer 0 uses the sine embedding as is; later layers scale it by query_scale(previous output).
            let querySine = if i = 0 then sine else sine * queryScale.Forward output
            output <- blocks.[i].Forward(output, memory, pos, queryPos, querySine, mask, ?queryMask = queryMask)
            outputs.Add(norm.Forward output)
        Tensor.Stack(outputs, 0), reference
