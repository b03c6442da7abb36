/// DETR and Conditional DETR detectors: backbone → input projection → transformer → class and box heads,
/// with the reference implementations' parameter names (detr models/detr.py, ConditionalDETR
/// models/conditional_detr.py) so their checkpoints load.
namespace Detr.Models

open System
open Detr.Torch

type PositionConfig =
    | Sine of normalize: bool * temperature: float * scale: float
    | Learned

type DecoderKind =
    | Vanilla
    | Conditional

/// Everything needed to build a single-scale detector (the compiler fills it from a spec).
type DetectorConfig =
    { Dim: int
      Queries: int
      /// Class logits: classes + 1 (no-object) for softmax heads, classes for sigmoid heads.
      Logits: int
      Sigmoid: bool
      /// Prior probability for the sigmoid class bias, −log((1 − p)/p).
      Prior: float
      Depth: int
      /// ResNet stem channels (torchvision: 64), doubled per stage.
      BackboneWidth: int
      Dilation: bool
      FrozenBn: bool
      TrainableStages: int
      Stage: string
      Position: PositionConfig
      EncoderLayers: int
      EncoderHeads: int
      EncoderFfn: int
      EncoderDropout: float
      PreNorm: bool
      Decoder: DecoderKind
      DecoderLayers: int
      DecoderHeads: int
      DecoderFfn: int
      DecoderDropout: float
      /// Queries of H-DETR's one-to-many group (0: none): trained beside the `Queries` one-to-one queries, kept
      /// apart from them in the decoder's self-attention, dropped at inference.
      OneToManyQueries: int
      /// Co-DETR's auxiliary ATSS heads on the encoder's output (0: none), trained, dropped at inference.
      AtssHeads: int
      /// The backbone stage's stride in input pixels (8 for c3, 16 for c4, 32 for c5; 16 for a dilated c5).
      FeatureStride: int }

/// The one-to-many group's predictions in training (H-DETR): final [B, T, K] logits and [B, T, 4] boxes, and
/// one (logits, boxes) pair per earlier decoder layer.
type OneToManyOutput =
    { ManyLogits: Tensor
      ManyBoxes: Tensor
      ManyAux: (Tensor * Tensor) list }

/// Predictions: final [B, Q, K] logits and [B, Q, 4] sigmoid boxes (normalised cxcywh), one (logits, boxes)
/// pair per earlier decoder layer, the one-to-many group of a hybrid-matching model in training, and named
/// intermediates (for parity tests and debugging).
type DetectorOutput =
    { Logits: Tensor
      Boxes: Tensor
      Aux: (Tensor * Tensor) list
      OneToMany: OneToManyOutput option
      /// Co-DETR's auxiliary heads in training: per head, its output on each pyramid level (here one: the
      /// encoder's map, Co-DETR's multi-scale adapter with a single level). Empty at inference.
      Dense: DenseLevelOutput list list
      Trace: Map<string, Tensor> }

/// detr's `Backbone` (backbone.0): `body` is the ResNet; `Joiner` (backbone) puts the position encoding at `1`.
type BackboneBase(depth: int, width: int, dilation: bool, frozen: bool, lastStage: int) as this =
    inherit Module()
    let body = this.RegisterModule("body", new ResNetBody(depth, width, dilation, frozen, lastStage))
    member _.Body = body

type Joiner(backbone: BackboneBase, position: Module) as this =
    inherit Module()
    do
        this.RegisterModule("0", backbone) |> ignore
        this.RegisterModule("1", position) |> ignore

/// DETR's encoder–decoder pair (`transformer.encoder`, `transformer.decoder`).
type DetrTransformer(config: DetectorConfig) as this =
    inherit Module()
    let c = config
    let encoder = this.RegisterModule("encoder", new TransformerEncoder(c.EncoderLayers, c.Dim, c.EncoderHeads, c.EncoderFfn, c.EncoderDropout, c.PreNorm))
    let decoder: Module =
        match c.Decoder with
        | Vanilla -> new TransformerDecoder(c.DecoderLayers, c.Dim, c.DecoderHeads, c.DecoderFfn, c.DecoderDropout, c.PreNorm)
        | Conditional -> new ConditionalDecoder(c.DecoderLayers, c.Dim, c.DecoderHeads, c.DecoderFfn, c.DecoderDropout)
    do
        this.RegisterModule("decoder", decoder) |> ignore
        TransformerInit.xavier this

    /// src [B, C, h, w], mask [B, h, w], queries [Q, C], pos [B, C, h, w], queryMask [Q, Q] (true = not attended) ->
    /// (hs [L, B, Q, C], reference points [B, Q, 2] for Conditional DETR, memory [HW, B, C])
    member _.Forward(src: Tensor, mask: Tensor, queries: Tensor, pos: Tensor, ?queryMask: Tensor) =
        let b = src.Size(0)
        let flat = src.Flatten(2).Permute(2, 0, 1)                      // [B, C, h, w] -> [HW, B, C], row-major h·W + w
        let posFlat = pos.Flatten(2).Permute(2, 0, 1)
        let queryPos = queries.Unsqueeze(1).Repeat(1L, b, 1L)           // [Q, B, C]
        // [B, HW]; none when no position is padding (a batch of same-sized images): masking would change
        // nothing, and the attention logits' masked_fill and its backward are skipped.
        let maskFlat = if mask.Any().ToArray<bool>().[0] then Some(mask.Flatten(1)) else None
        let tgt = Tensor.ZerosLike queryPos                             // decoder input starts at zeros
        let memory =
            use _ = FlopCounter.Enter "transformer.encoder"
            encoder.Forward(flat, posFlat, maskFlat)
        use _ = FlopCounter.Enter "transformer.decoder"
        match decoder with
        | :? TransformerDecoder as d -> d.Forward(tgt, memory, posFlat, queryPos, maskFlat, ?queryMask = queryMask).Transpose(1, 2), None, memory
        | :? ConditionalDecoder as d ->
            let hs, reference = d.Forward(tgt, memory, posFlat, queryPos, maskFlat, ?queryMask = queryMask)
            hs.Transpose(1, 2), Some reference, memory
        | _ -> failwith "unknown decoder"

type Detector(config: DetectorConfig) as this =
    inherit Module()
    let c = config
    let backboneBase = new BackboneBase(c.Depth, c.BackboneWidth, c.Dilation, c.FrozenBn, int (c.Stage.Substring 1))
    let position: Module =
        match c.Position with
        | Sine(normalize, temperature, scale) -> new PositionEmbeddingSine(c.Dim / 2, temperature, normalize, scale, 0.0)
        | Learned -> new PositionEmbeddingLearned(c.Dim / 2)
    let joiner = this.RegisterModule("backbone", new Joiner(backboneBase, position))
    let channels = backboneBase.Body.Channels.[int (c.Stage.Substring 1) - 2]
    let inputProj = this.RegisterModule("input_proj", new Conv2d(channels, c.Dim, 1))
    // H-DETR keeps both groups in one embedding, one-to-one rows first (models/deformable_detr.py query_embed).
    let queryEmbed = this.RegisterModule("query_embed", new Embedding(c.Queries + c.OneToManyQueries, c.Dim))
    // Hybrid matching's self-attention mask [Q+T, Q+T] (true = not attended: the other group), built once; a
    // non-persistent buffer, so it moves with the model and stays out of the state dict.
    let groupsApart =
        if c.OneToManyQueries = 0 then None
        else
            let all = c.Queries + c.OneToManyQueries
            let apart = Array.init (all * all) (fun i -> (i / all < c.Queries) <> (i % all < c.Queries))
            Some(this.RegisterBuffer("query_groups_apart", Tensor.From(apart, int64 all, int64 all), persistent = false))
    let transformer = this.RegisterModule("transformer", new DetrTransformer(c))
    let classEmbed = this.RegisterModule("class_embed", new Linear(c.Dim, c.Logits))
    let bboxEmbed = this.RegisterModule("bbox_embed", new Mlp(c.Dim, c.Dim, 4, 3))
    do
        // torchvision's ResNet init: Kaiming normal (fan_out, ReLU) for convolutions.
        for _, p in backboneBase.NamedParameters() do
            if p.Dim = 4 then Init.KaimingNormal_(p, 0.0, true, "relu") |> ignore
        if c.Sigmoid then
            // Focal-loss prior (Lin et al. 2017): class bias −log((1 − π)/π), and the last box layer at zero
            // so boxes start at the reference points (Conditional DETR).
            Init.Constant_(classEmbed.Bias.Value, -Math.Log((1.0 - c.Prior) / c.Prior)) |> ignore
        if c.Decoder = Conditional then
            let last = bboxEmbed.Layers.[bboxEmbed.Layers.Count - 1]
            Init.Zeros_(last.Weight) |> ignore
            Init.Zeros_(last.Bias.Value) |> ignore
        backboneBase.Body.Freeze c.TrainableStages
    // Built after every other module is initialised, so that their initial weights do not depend on whether
    // the model has auxiliary heads.
    let atssHeads =
        if c.AtssHeads = 0 then None
        else
            // Sigmoid logits for the classes alone, whichever class head the detector has.
            let classes = if c.Sigmoid then c.Logits else c.Logits - 1
            Some(this.RegisterModule("bbox_head", new ModuleList<AtssHead>([ for _ in 1 .. c.AtssHeads -> new AtssHead(c.Dim, classes, 1, 1) ])))

    member _.Config = c

    /// The ResNet body (backbone.0.body).
    member _.Backbone = backboneBase.Body

    /// images [B, 3, H, W] (normalised), mask [B, H, W] (true = padding) -> predictions of every decoder layer.
    member _.Forward(images: Tensor, mask: Tensor, ?trace: bool) =
        let trace = defaultArg trace false
        let feature =
            use _ = FlopCounter.Enter "backbone"
            backboneBase.Body.Forward(images, [ c.Stage ]) |> List.exactlyOne |> snd        // [B, Cb, h, w]
        let fmask = Masks.downsample mask (feature.Size(2)) (feature.Size(3))               // [B, h, w]
        let pos =
            use _ = FlopCounter.Enter "position"
            match position with
            | :? PositionEmbeddingSine as p -> p.Forward fmask
            | :? PositionEmbeddingLearned as p -> p.Forward fmask
            | _ -> failwith "unknown position encoding"                                       // [B, C, h, w]
        let src =
            use _ = FlopCounter.Enter "input_proj"
            inputProj.Forward feature                                                         // [B, C, h, w]
        // Hybrid matching (H-DETR, Jia et al. CVPR 2023 §3.2): in training both groups run, each attending only to
        // itself in the decoder's self-attention; at inference only the one-to-one group exists.
        let hybrid = this.IsTraining && c.OneToManyQueries > 0
        let q = int64 c.Queries
        let hs, reference, memory =                                                            // hs [L, B, Q(+T), C]
            match groupsApart with
            | Some queryMask when hybrid -> transformer.Forward(src, fmask, queryEmbed.Weight, pos, queryMask)
            | _ -> transformer.Forward(src, fmask, queryEmbed.Weight.Narrow(0, 0L, q), pos)
        use _ = FlopCounter.Enter "heads"
        let logits = classEmbed.Forward hs                                                   // [L, B, Q, K]
        let raw = bboxEmbed.Forward hs                                                       // [L, B, Q, 4]
        let boxes =
            match reference with
            | None -> raw.Sigmoid()
            | Some r ->
                // Conditional DETR predicts centres relative to the reference points: inverse_sigmoid(ref) is
                // added to (cx, cy) before the sigmoid (ConditionalDETR models/conditional_detr.py).
                let offset = Tensor.Cat([| Ops.inverseSigmoid r; Tensor.Zeros(r.Shape, r.DType, r.Device) |], -1)
                (raw + offset.Unsqueeze(0)).Sigmoid()
        let dense =
            match atssHeads with
            | Some heads when this.IsTraining ->
                // The encoder's memory [HW, B, C] back on its grid [B, C, h, w] (Co-DETR's aux heads read the
                // encoder output, projects/models/co_detr.py).
                let grid = memory.Permute(1, 2, 0).Reshape(src.Size(0), src.Size(1), src.Size(2), src.Size(3))
                [ for h in heads -> [ h.Forward(grid, 0, c.FeatureStride) ] ]
            | _ -> []
        let layers = hs.Size(0) |> int
        let traced =
            if trace then
                Map.ofList [ "backbone.features.0", feature; "backbone.mask.0", fmask; "backbone.pos.0", pos; "input_proj", src
                             "encoder.memory", memory; "decoder.hs", hs ]
                |> fun m -> match reference with Some r -> m.Add("decoder.reference_points", r) | None -> m
            else Map.empty
        let group (t: Tensor) = if hybrid then t.Narrow(2, 0L, q) else t                       // one-to-one queries
        let many (t: Tensor) = t.Narrow(2, q, int64 c.OneToManyQueries)
        let logits1, boxes1 = group logits, group boxes
        { Logits = logits1.Select(0, int64 (layers - 1))
          Boxes = boxes1.Select(0, int64 (layers - 1))
          Aux = [ for i in 0 .. layers - 2 -> logits1.Select(0, int64 i), boxes1.Select(0, int64 i) ]
          OneToMany =
            if hybrid then
                let l, b = many logits, many boxes
                Some { ManyLogits = l.Select(0, int64 (layers - 1)); ManyBoxes = b.Select(0, int64 (layers - 1))
                       ManyAux = [ for i in 0 .. layers - 2 -> l.Select(0, int64 i), b.Select(0, int64 i) ] }
            else None
          Dense = dense
          Trace = traced }
