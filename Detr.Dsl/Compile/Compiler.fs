/// The back end: a checked model becomes a detector configuration (the modules to build, with the
/// reference implementations' parameter names) and a plan (assignment, losses, post-processing, recipe).
/// Vocabulary whose modules do not exist yet is an error value "not supported yet: ...", never a silent
/// fallback to something else.
module Detr.Dsl.Compiler

open Detr.Dsl
open Detr.Models

type Compiled =
    { Name: string
      Detector: DetectorConfig
      Plan: Plan }

let private weights (terms: (float * string) list) =
    let sum names = terms |> List.filter (fun (_, t) -> List.contains t names) |> List.sumBy fst
    { Class = sum [ "class"; "focal"; "ce" ]; L1 = sum [ "l1" ]; Giou = sum [ "giou" ] }

/// Every block the back end cannot build yet, as errors at the place it was written.
let private unsupported (v: ModelView) =
    let notYet path what =
        Diagnostic.error "DSL030" (v.RangeOf path) (sprintf "not supported yet: %s (%s)" what path)
        |> Diagnostic.withHint "the checker accepts it; its modules land with Deformable DETR / DETA / Co-DETR support"
    [ if v.Kind "neck" <> "none" then notYet "neck" "multi-scale neck"
      if v.Kind "encoder" = "deformable" then notYet "encoder" "deformable encoder"
      if v.Kind "decoder" = "deformable" then notYet "decoder" "deformable decoder"
      if v.Kind "proposals" <> "none" then notYet "proposals" "two-stage proposals"
      if v.Kind "collaborate" <> "none" then
          for head in v.Blocks "collaborate.heads" do
              if head.Kind <> "atss" then notYet "collaborate.heads" (sprintf "Co-DETR's %s auxiliary head (atss is built)" head.Kind)
          if v.Float "collaborate.query_weight" <> 0.0 then
              notYet "collaborate.query_weight" "Co-DETR's customized positive queries (query_weight = 0 trains the auxiliary heads alone)"
      if v.Kind "match" <> "hungarian" && v.Kind "match" <> "repeat" then notYet "match" (sprintf "%s assignment in training" (v.Kind "match"))
      if v.Kind "predict" <> "top" then notYet "predict" (sprintf "%s post-processing" (v.Kind "predict"))
      match v.Words "backbone.returns" with
      | [ _ ] -> ()
      | _ -> notYet "backbone.returns" "several backbone stages without a multi-scale neck" ]

/// The returned stage's stride in input pixels: 2^k for ck, the last stage at 16 when dilated (DC5).
let private featureStride (v: ModelView) =
    let stage = int ((List.exactlyOne (v.Words "backbone.returns")).Substring 1)
    if stage = 5 && v.Bool "backbone.dilation" then 16 else pown 2 stage

let private detector (v: ModelView) : DetectorConfig =
    let sigmoid = v.Kind "head" = "sigmoid"
    let classes = v.Int "classes"
    { Dim = v.Int "dim"
      Queries = v.Int "queries"
      Logits = if sigmoid then classes else classes + 1
      Sigmoid = sigmoid
      Prior = if sigmoid then v.Float "head.prior" else 0.01
      Depth = v.Int "backbone.depth"
      BackboneWidth = v.Int "backbone.width"
      Dilation = v.Bool "backbone.dilation"
      FrozenBn = v.Bool "backbone.frozen_bn"
      // lr = 0 freezes the whole backbone, as detr's `train_backbone = lr_backbone > 0`.
      TrainableStages = if v.Float "backbone.lr" > 0.0 then v.Int "backbone.trainable" else 0
      Stage = List.exactlyOne (v.Words "backbone.returns")
      Position =
        match v.Kind "position" with
        | "learned" -> Learned
        | _ -> Sine(v.Bool "position.normalize", v.Float "position.temperature", v.Float "position.scale")
      EncoderLayers = v.Int "encoder.layers"
      EncoderHeads = v.Int "encoder.heads"
      EncoderFfn = v.Int "encoder.ffn"
      EncoderDropout = v.Float "encoder.dropout"
      PreNorm = v.Bool "encoder.pre_norm"
      Decoder = if v.Kind "decoder" = "conditional" then Conditional else Vanilla
      DecoderLayers = v.Int "decoder.layers"
      DecoderHeads = v.Int "decoder.heads"
      DecoderFfn = v.Int "decoder.ffn"
      DecoderDropout = v.Float "decoder.dropout"
      OneToManyQueries = if v.Kind "match" = "repeat" then v.Int "match.queries" else 0
      AtssHeads = if v.Kind "collaborate" = "co" then List.length (v.Blocks "collaborate.heads") else 0
      FeatureStride = featureStride v }

/// The one-to-one matching rule: `match` itself, or the rule inside H-DETR's `repeat` (both groups are
/// matched by the same Hungarian rule, the one-to-many group against repeated targets).
let private oneToOne (v: ModelView) = if v.Kind "match" = "repeat" then "match.rule" else "match"

let private plan (v: ModelView) : Plan =
    let sigmoid = v.Kind "head" = "sigmoid"
    { Classes = v.Int "classes"
      Queries = v.Int "queries"
      Head =
        { Sigmoid = sigmoid
          NoObjectWeight = if sigmoid then 0.0 else v.Float "head.no_object_weight"
          FocalAlpha = if sigmoid then v.Float "head.focal_alpha" else 0.25
          FocalGamma = if sigmoid then v.Float "head.focal_gamma" else 2.0
          Prior = if sigmoid then v.Float "head.prior" else 0.01
          Varifocal = sigmoid && v.Word "head.class_loss" = "varifocal"
          VarifocalAlpha = if sigmoid then v.Float "head.varifocal_alpha" else 0.75 }
      Match = { Cost = weights (v.Terms (oneToOne v + ".cost")); Solver = v.Word (oneToOne v + ".solver") }
      OneToMany =
        if v.Kind "match" = "repeat" then Some { K = v.Int "match.k"; Queries = v.Int "match.queries"; Weight = v.Float "match.weight" }
        else None
      Collaborate =
        if v.Kind "collaborate" = "co" then
            let head (b: RBlock) = ModelView(b, v.Declared)
            Some { Heads = [ for b in v.Blocks "collaborate.heads" -> { TopK = (head b).Int "topk"; AnchorScale = (head b).Float "anchor_scale" } ]
                   HeadWeight = v.Float "collaborate.head_weight"
                   DecoderLayers = v.Int "decoder.layers" }
        else None
      Loss = weights (v.Terms "loss")
      AuxLoss = v.Bool "aux_loss"
      Predict = { Rule = v.Kind "predict"; K = v.Int "predict.k" }
      Train =
        { Lr = v.Float "train.optimizer.lr"
          BackboneLr = v.Float "backbone.lr"
          WeightDecay = v.Float "train.optimizer.weight_decay"
          Beta1 = v.Float "train.optimizer.beta1"
          Beta2 = v.Float "train.optimizer.beta2"
          Eps = v.Float "train.optimizer.eps"
          Clip = v.Float "train.clip"
          Batch = v.Int "train.batch"
          Epochs = v.Int "train.epochs"
          LrDrop = v.Ints "train.lr_drop"
          Schedule = v.Word "train.schedule"
          Warmup = v.Int "train.warmup"
          Augment = v.Word "train.augment"
          ImageMin = v.Ints "train.image_min"
          ImageMax = v.Int "train.image_max"
          CropResize = v.Ints "train.crop_resize"
          CropMin = v.Int "train.crop_min"
          CropMax = v.Int "train.crop_max"
          ValSize = v.Int "train.val_size"
          EvalEvery = v.Int "train.eval_every"
          Accumulate = v.Int "train.accumulate"
          SkipNonfinite = v.Bool "train.skip_nonfinite"
          Seed = v.Int "train.seed"
          Workers = v.Int "train.workers"
          Replicas = v.Int "train.replicas" } }

/// A checked model → what to build and how to train it, or the "not supported yet" errors.
let compile (m: Spec.CheckedModel) : Result<Compiled, Diagnostic list> =
    match unsupported m.View with
    | [] -> Result.Ok { Name = m.Name; Detector = detector m.View; Plan = plan m.View }
    | errors -> Result.Error errors

/// The module tree of a compiled model (parameters initialised as the reference initialises them).
let build (c: Compiled) = new Detector(c.Detector)
