/// Parameter counts from a resolved model, per component, as PyTorch counts them: trainable parameters
/// (requires_grad) — the number papers and detr's main.py report — and all parameters. Frozen batch norm
/// holds buffers, not parameters. The formulas follow the reference modules layer by layer; tests compare
/// them with the reference state dicts in ../shared/fixtures/parity/*/keys.txt.
module Detr.Dsl.ParamCount

open Detr.Dsl

type Count = { Component: string; Total: int64; Trainable: int64 }

let private linear (i: int) (o: int) = int64 i * int64 o + int64 o
let private norm (d: int) = 2L * int64 d
let private mha (d: int) = 4L * int64 d * int64 d + 4L * int64 d     // packed in_proj + out_proj
let private ffn (d: int) (f: int) = linear d f + linear f d
let private mlp (i: int) (h: int) (o: int) (layers: int) =
    let dims = [ i ] @ List.replicate (layers - 1) h @ [ o ]
    List.pairwise dims |> List.sumBy (fun (a, b) -> linear a b)

/// ResNet convolution weights (no biases) per stage: stem, layer1..layer4; BN affine when not frozen.
/// `width`: the stem's channels (torchvision: 64), doubled per stage.
let resnetStages (depth: int) (width: int) (frozenBn: bool) : int64 list =
    let bottleneck = depth >= 50
    let blocks = match depth with 18 -> [ 2; 2; 2; 2 ] | 34 | 50 -> [ 3; 4; 6; 3 ] | 101 -> [ 3; 4; 23; 3 ] | d -> failwithf "resnet depth %d" d
    let bn (c: int) = if frozenBn then 0L else 2L * int64 c
    let conv (i: int) (o: int) (k: int) = int64 i * int64 o * int64 (k * k)
    let stem = conv 3 width 7 + bn width
    let mutable inplanes = width
    let layers =
        [ for stage in 0..3 do
            let w = width * pown 2 stage
            let outC = if bottleneck then 4 * w else w
            let mutable total = 0L
            for b in 0 .. blocks.[stage] - 1 do
                let i = if b = 0 then inplanes else outC
                if bottleneck then total <- total + conv i w 1 + bn w + conv w w 3 + bn w + conv w outC 1 + bn outC
                else total <- total + conv i w 3 + bn w + conv w w 3 + bn w
                if b = 0 && (stage > 0 || inplanes <> outC) then total <- total + conv i outC 1 + bn outC
            inplanes <- outC
            yield total ]
    stem :: layers

/// Every component's parameter count.
let count (m: ModelView) : Count list =
    let d = m.Int "dim"
    let q = m.Int "queries"
    let classes = m.Int "classes"
    let depth = m.Int "backbone.depth"
    // Stages after the deepest returned one are not built (returns = [c4]: no layer4).
    let deepest = m.Words "backbone.returns" |> List.map (fun s -> int (s.Substring 1)) |> List.max
    let width = m.Int "backbone.width"
    let stages = resnetStages depth width (m.Bool "backbone.frozen_bn") |> List.mapi (fun i n -> if i <= deepest - 1 then n else 0L)
    let trainableStages = if m.Float "backbone.lr" > 0.0 then m.Int "backbone.trainable" else 0
    let backboneTrainable = stages |> List.rev |> List.truncate trainableStages |> List.sum
    let returned = ShapeRules.returned depth width (m.Bool "backbone.dilation") (m.Words "backbone.returns")
    let multiscale = m.Kind "neck" = "multiscale"
    let levels = if multiscale then m.Int "neck.levels" else 1
    let neck =
        if multiscale then
            let perStage = returned |> List.sumBy (fun s -> linear s.Channels d + norm d)   // 1x1 conv + GroupNorm(32)
            let last = (List.last returned).Channels
            let extra = [ for i in 1 .. levels - returned.Length -> int64 (if i = 1 then last else d) * int64 d * 9L + int64 d + norm d ]
            perStage + List.sum extra
        else linear returned.Head.Channels d                                                  // input_proj 1x1 conv
    let position = if m.Kind "position" = "learned" then 50L * int64 d else 0L
    let heads part = m.Int(part + ".heads")
    let msda part = linear d (heads part * levels * m.Int(part + ".points") * 2) + linear d (heads part * levels * m.Int(part + ".points")) + 2L * linear d d
    let encoderLayer =
        match m.Kind "encoder" with
        | "deformable" -> msda "encoder" + norm d + ffn d (m.Int "encoder.ffn") + norm d
        | _ -> mha d + ffn d (m.Int "encoder.ffn") + 2L * norm d
    let encoder = int64 (m.Int "encoder.layers") * encoderLayer + (if m.Kind "encoder" = "transformer" && m.Bool "encoder.pre_norm" then norm d else 0L)
    let decoderLayers = m.Int "decoder.layers"
    let twoStage = m.Kind "proposals" <> "none"
    let decoder =
        match m.Kind "decoder" with
        | "transformer" -> int64 decoderLayers * (2L * mha d + ffn d (m.Int "decoder.ffn") + 3L * norm d) + norm d
        | "conditional" ->
            let layer = 5L * linear d d + linear d d + 4L * linear d d + linear d d + linear d d + ffn d (m.Int "decoder.ffn") + 3L * norm d
            int64 decoderLayers * layer + linear d d (* ca_qpos_proj, layer 0 only *) + mlp d d d 2 + mlp d d 2 2 + norm d
        | _ -> int64 decoderLayers * (msda "decoder" + norm d + mha d + norm d + ffn d (m.Int "decoder.ffn") + norm d)
    let deformable = m.Kind "decoder" = "deformable"
    let transformerExtras =
        if deformable then
            int64 levels * int64 d                                                              // level_embed
            + (if twoStage then linear d d + norm d + linear (2 * d) (2 * d) + norm (2 * d) else linear d 2) // enc_output(+norm), pos_trans(+norm) | reference_points
        else 0L
    let logits = if m.Kind "head" = "softmax" then classes + 1 else classes
    let headOnce = linear d logits + mlp d d 4 3
    let headCopies = if not deformable then 1 elif twoStage then decoderLayers + 1 elif m.Bool "decoder.box_refine" then decoderLayers else 1
    let oneToMany = if m.Kind "match" = "repeat" then m.Int "match.queries" else 0
    let queries =
        if deformable && twoStage then 0L
        elif deformable then int64 (q + oneToMany) * int64 (2 * d)
        else int64 (q + oneToMany) * int64 d
    let auxiliary =
        match m.TryField "collaborate.heads" with
        | Some { Value = RValue.List heads } ->
            let perHead =
                heads
                |> List.sumBy (function
                    | RValue.Block b when b.Kind = "atss" -> 2L * (int64 d * int64 d * 9L + norm d) + (int64 d * int64 classes * 9L + int64 classes) + (int64 d * 4L * 9L + 4L) + (int64 d * 9L + 1L) + int64 levels
                    | RValue.Block b when b.Kind = "faster_rcnn" -> (int64 d * int64 d * 9L + int64 d) + linear d 3 + linear d 12 + linear (d * 49) 1024 + linear 1024 1024 + linear 1024 (classes + 1) + linear 1024 (4 * classes)
                    | RValue.Block b when b.Kind = "retinanet" -> 8L * (int64 d * int64 d * 9L + int64 d) + (int64 d * 9L * int64 (9 * classes) + int64 (9 * classes)) + (int64 d * 9L * 36L + 36L)
                    | RValue.Block b when b.Kind = "fcos" -> 8L * (int64 d * int64 d * 9L + norm d) + (int64 d * 9L * int64 classes + int64 classes) + (int64 d * 9L * 4L + 4L) + (int64 d * 9L + 1L) + int64 levels
                    | _ -> 0L)
            // Per-head embeddings of the customized positive queries, which query_weight = 0 does without.
            let positiveQueries = if m.Float "collaborate.query_weight" > 0.0 then int64 heads.Length * (linear (2 * d) (2 * d) + norm (2 * d)) else 0L
            perHead + positiveQueries
        | _ -> 0L
    let trained c = { Component = fst c; Total = snd c; Trainable = snd c }
    [ { Component = "backbone"; Total = List.sum stages; Trainable = backboneTrainable }
      trained ((if multiscale then "neck" else "input_proj"), neck)
      trained ("position", position)
      trained ("encoder", encoder)
      trained ("decoder", decoder + transformerExtras)
      trained ("query_embed", queries)
      trained ("heads", int64 headCopies * headOnce)
      trained ("collaborate", auxiliary) ]
    |> List.filter (fun c -> c.Total > 0L || c.Component = "backbone")

let trainable (m: ModelView) = count m |> List.sumBy (fun c -> c.Trainable)

let total (m: ModelView) = count m |> List.sumBy (fun c -> c.Total)
