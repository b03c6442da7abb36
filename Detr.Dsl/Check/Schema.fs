/// One schema per block kind: every field with its type, default, range and a one-line doc.
/// `detr show --schema KIND` prints these; docs/spec-language.md is generated from them.
module Detr.Dsl.Schema

open Detr.Dsl

[<RequireQualifiedAccess>]
type FieldType =
    | Int of min: int64 * max: int64
    | IntChoice of int64 list
    | Float of min: float * max: float
    | Bool
    | Enum of string list
    | List of FieldType
    /// A nested block of one of these kinds; `optional` also allows `none`.
    | Block of kinds: string list * optional: bool
    | Terms of allowed: string list
    | Text

type FieldSchema =
    { Name: string
      Type: FieldType
      Default: unit -> RValue
      Doc: string }

type KindSchema =
    { Kind: string
      Doc: string
      Fields: FieldSchema list }

let private int name (lo, hi) (d: int64) doc = { Name = name; Type = FieldType.Int(lo, hi); Default = (fun () -> RValue.Int d); Doc = doc }
let private flt name (lo, hi) (d: float) doc = { Name = name; Type = FieldType.Float(lo, hi); Default = (fun () -> RValue.Float d); Doc = doc }
let private bool name d doc = { Name = name; Type = FieldType.Bool; Default = (fun () -> RValue.Bool d); Doc = doc }
let private enum name options d doc = { Name = name; Type = FieldType.Enum options; Default = (fun () -> RValue.Word d); Doc = doc }
let private intList name (lo, hi) (d: int64 list) doc =
    { Name = name; Type = FieldType.List(FieldType.Int(lo, hi)); Default = (fun () -> RValue.List(d |> List.map RValue.Int)); Doc = doc }
let private terms name allowed (d: (float * string) list) doc = { Name = name; Type = FieldType.Terms allowed; Default = (fun () -> RValue.Terms d); Doc = doc }

/// Terms a cost or loss may use: class (cross-entropy or focal, following the head), or explicitly focal
/// (sigmoid heads) / ce (softmax heads), and l1 and giou on boxes.
let costTerms = [ "class"; "focal"; "ce"; "l1"; "giou" ]

let rec private block name kinds (defaultKind: string option) doc =
    { Name = name
      Type = FieldType.Block(kinds, defaultKind.IsNone)
      Default = (fun () -> match defaultKind with Some k -> RValue.Block(defaultBlock k) | None -> RValue.Word "none")
      Doc = doc }

and private blockList name kinds (defaults: string list) doc =
    { Name = name
      Type = FieldType.List(FieldType.Block(kinds, false))
      Default = (fun () -> RValue.List(defaults |> List.map (defaultBlock >> RValue.Block)))
      Doc = doc }

/// A block of the kind with every field at its default.
and defaultBlock (kind: string) : RBlock =
    let schema = find kind |> Option.defaultWith (fun () -> failwithf "no schema for kind '%s'" kind)
    { Kind = kind; Fields = schema.Fields |> List.map (fun f -> f.Name, { Value = f.Default(); Range = Range.none }) |> Map.ofList }

and all: KindSchema list =
    [ { Kind = "model"; Doc = "a detector: the top level of a `model` declaration"
        Fields =
          [ int "dim" (8L, 8192L) 256L "model width (channels of the transformer)"
            int "queries" (1L, 100000L) 100L "number of object queries"
            int "classes" (1L, 100000L) 91L "number of class ids (0..classes-1, e.g. COCO ids); softmax heads add a no-object logit"
            block "backbone" [ "resnet" ] (Some "resnet") "CNN backbone"
            block "neck" [ "multiscale" ] None "multi-scale input projections and extra levels (Deformable DETR); none: one level"
            block "position" [ "sine"; "learned" ] (Some "sine") "positional encoding of the feature maps"
            block "encoder" [ "transformer"; "deformable" ] (Some "transformer") "transformer encoder"
            block "decoder" [ "transformer"; "conditional"; "deformable" ] (Some "transformer") "transformer decoder"
            block "proposals" [ "encoder" ] None "two-stage: the encoder proposes the decoder's queries"
            block "head" [ "softmax"; "sigmoid" ] (Some "softmax") "class head and its activation"
            block "match" [ "hungarian"; "iou"; "repeat" ] (Some "hungarian") "assignment of the decoder's queries to targets"
            terms "loss" costTerms [ 1.0, "class"; 5.0, "l1"; 2.0, "giou" ] "loss: weighted sum of class, l1, giou"
            bool "aux_loss" true "apply the loss to every decoder layer"
            block "collaborate" [ "co" ] None "Co-DETR auxiliary heads and customized positive queries"
            block "predict" [ "top"; "nms" ] (Some "top") "post-processing of the predictions"
            block "train" [ "recipe" ] (Some "recipe") "training recipe" ] }
      { Kind = "resnet"; Doc = "ResNet backbone (torchvision layout, frozen batch norm as in DETR)"
        Fields =
          [ { Name = "depth"; Type = FieldType.IntChoice [ 18L; 34L; 50L; 101L ]; Default = (fun () -> RValue.Int 50L); Doc = "18, 34, 50 or 101 layers" }
            int "width" (8L, 256L) 64L "channels of the stem, doubled per stage (torchvision's ResNets: 64; smaller scales a ResNet down)"
            bool "frozen_bn" true "batch norm with frozen statistics and affine parameters (buffers, not trained)"
            bool "dilation" false "dilate the last stage instead of striding it (DC5: stride 16)"
            { Name = "returns"; Type = FieldType.List(FieldType.Enum [ "c2"; "c3"; "c4"; "c5" ]); Default = (fun () -> RValue.List [ RValue.Word "c5" ]); Doc = "stages whose features go on (c2..c5)" }
            flt "lr" (0.0, 1.0) 1e-5 "learning rate of the backbone (0 freezes it)"
            int "trainable" (0L, 5L) 3L "trained stages counted from the last (DETR trains layer2..layer4: 3)" ] }
      { Kind = "multiscale"; Doc = "input projections per level plus extra stride-2 levels (Deformable DETR)"
        Fields = [ int "levels" (1L, 8L) 4L "feature levels (backbone stages plus extra stride-2 convolutions)" ] }
      { Kind = "sine"; Doc = "sine positional encoding (DETR)"
        Fields =
          [ bool "normalize" true "normalise coordinates to [0, scale]"
            flt "temperature" (1.0, 1e9) 10000.0 "wavelength base"
            flt "scale" (0.0, 1000.0) 6.283185307179586 "scale of normalised coordinates (2π)" ] }
      { Kind = "learned"; Doc = "learned positional embedding (50 rows and columns, DETR)"; Fields = [] }
      { Kind = "transformer"; Doc = "DETR transformer encoder or decoder (post-norm)"
        Fields =
          [ int "layers" (0L, 100L) 6L "number of layers"
            int "heads" (1L, 64L) 8L "attention heads"
            int "ffn" (1L, 65536L) 2048L "feed-forward width"
            flt "dropout" (0.0, 1.0) 0.1 "dropout probability"
            bool "pre_norm" false "layer norm before each sub-layer instead of after" ] }
      { Kind = "conditional"; Doc = "Conditional DETR decoder (conditional spatial queries)"
        Fields =
          [ int "layers" (1L, 100L) 6L "number of layers"
            int "heads" (1L, 64L) 8L "attention heads"
            int "ffn" (1L, 65536L) 2048L "feed-forward width"
            flt "dropout" (0.0, 1.0) 0.1 "dropout probability" ] }
      { Kind = "deformable"; Doc = "Deformable DETR encoder or decoder (multi-scale deformable attention)"
        Fields =
          [ int "layers" (1L, 100L) 6L "number of layers"
            int "heads" (1L, 64L) 8L "attention heads"
            int "ffn" (1L, 65536L) 1024L "feed-forward width"
            flt "dropout" (0.0, 1.0) 0.1 "dropout probability"
            int "points" (1L, 64L) 4L "sampling points per head and level"
            bool "box_refine" false "decoder only: iterative bounding box refinement" ] }
      { Kind = "encoder"; Doc = "two-stage proposals: encoder outputs scored and the top ones become the queries"
        Fields =
          [ int "top" (1L, 100000L) 300L "proposals kept"
            block "match" [ "iou" ] None "assignment of the proposals (DETA); none: Hungarian as the decoder" ] }
      { Kind = "softmax"; Doc = "softmax class head with a no-object class (DETR)"
        Fields = [ flt "no_object_weight" (0.0, 1.0) 0.1 "weight of the no-object class in the cross-entropy" ] }
      { Kind = "sigmoid"; Doc = "sigmoid class head trained with focal loss (Deformable / Conditional DETR) or varifocal loss (RT-DETR)"
        Fields =
          [ flt "focal_alpha" (-1.0, 1.0) 0.25 "focal loss α (negative: no α weighting)"
            flt "focal_gamma" (0.0, 10.0) 2.0 "focal loss γ"
            flt "prior" (1e-6, 0.5) 0.01 "prior probability for the class bias initialisation"
            enum "class_loss" [ "focal"; "varifocal" ] "focal" "class loss of the matched sets: focal, or varifocal (IoU-aware targets, RT-DETR)"
            flt "varifocal_alpha" (0.0, 1.0) 0.75 "varifocal loss α, the negatives' weight (RT-DETR: 0.75)" ] }
      { Kind = "hungarian"; Doc = "one-to-one Hungarian matching (exact)"
        Fields =
          [ terms "cost" costTerms [ 1.0, "class"; 5.0, "l1"; 2.0, "giou" ] "matching cost: weighted sum of class, l1, giou"
            enum "solver" [ "auto"; "host"; "device" ] "auto" "where the assignment is solved" ] }
      { Kind = "iou"; Doc = "IoU assignment with foreground sampling and top-k balancing (DETA)"
        Fields =
          [ flt "threshold" (0.0, 1.0) 0.6 "IoU at or above which a query is positive"
            flt "negative" (0.0, 1.0) 0.6 "IoU below which a query is background (between: ignored)"
            flt "fg_fraction" (0.0, 1.0) 0.25 "largest fraction of positives among the sampled queries"
            int "samples" (0L, 1000000L) 0L "queries sampled per image (0: all queries)"
            int "max_per_object" (1L, 1000L) 4L "positives kept per object (top-k by IoU)"
            flt "nms" (0.0, 1.0) 0.0 "NMS IoU applied to proposals before selection (0: none)"
            int "pre_nms" (0L, 1000000L) 0L "proposals kept before NMS (0: all)" ] }
      { Kind = "repeat"; Doc = "one-to-many matching against targets repeated k times (H-DETR)"
        Fields =
          [ int "k" (1L, 100L) 6L "repeats of the targets"
            int "queries" (1L, 100000L) 1500L "queries of the one-to-many group"
            flt "weight" (0.0, 100.0) 1.0 "loss weight of the one-to-many group"
            block "rule" [ "hungarian" ] (Some "hungarian") "the matching against the repeated targets" ] }
      { Kind = "co"; Doc = "Co-DETR collaborative hybrid assignments"
        Fields =
          [ blockList "heads" [ "atss"; "faster_rcnn"; "retinanet"; "fcos" ] [ "atss" ] "auxiliary one-to-many heads"
            flt "query_weight" (0.0, 100.0) 1.0 "λ1: weight of the customized positive queries"
            flt "head_weight" (0.0, 100.0) 2.0 "λ2: weight of the auxiliary heads" ] }
      { Kind = "atss"; Doc = "ATSS auxiliary head (adaptive training sample selection)"
        Fields = [ int "topk" (1L, 100L) 9L "candidate anchors per level"; flt "anchor_scale" (1.0, 64.0) 8.0 "anchor size in strides" ] }
      { Kind = "faster_rcnn"; Doc = "Faster R-CNN auxiliary head (RPN + RoI head)"
        Fields =
          [ flt "rpn_positive" (0.0, 1.0) 0.7 "RPN positive IoU"
            flt "rpn_negative" (0.0, 1.0) 0.3 "RPN negative IoU"
            flt "rcnn_positive" (0.0, 1.0) 0.5 "RoI head positive IoU"
            int "rpn_samples" (1L, 100000L) 256L "RPN anchors sampled per image"
            int "rcnn_samples" (1L, 100000L) 512L "RoIs sampled per image" ] }
      { Kind = "retinanet"; Doc = "RetinaNet auxiliary head"
        Fields = [ flt "positive" (0.0, 1.0) 0.5 "positive IoU"; flt "negative" (0.0, 1.0) 0.4 "negative IoU" ] }
      { Kind = "fcos"; Doc = "FCOS auxiliary head"; Fields = [ flt "radius" (0.0, 10.0) 1.5 "centre sampling radius in strides" ] }
      { Kind = "top"; Doc = "top-k over queries × classes (sigmoid) or per query (softmax)"
        Fields = [ int "k" (1L, 100000L) 100L "detections kept per image" ] }
      { Kind = "nms"; Doc = "non-maximum suppression, then top-k (DETA)"
        Fields = [ flt "iou" (0.0, 1.0) 0.7 "NMS IoU threshold"; int "k" (1L, 100000L) 100L "detections kept per image" ] }
      { Kind = "recipe"; Doc = "training recipe (DETR's by default)"
        Fields =
          [ block "optimizer" [ "adamw" ] (Some "adamw") "optimizer"
            flt "clip" (0.0, 1e6) 0.1 "gradient clipping by total norm (0: none)"
            int "batch" (1L, 4096L) 2L "images per batch"
            int "epochs" (1L, 100000L) 500L "training epochs"
            intList "lr_drop" (1L, 100000L) [ 400L ] "epochs after which the learning rate drops 10x"
            enum "schedule" [ "step"; "cosine" ] "step" "learning-rate schedule after warm-up"
            int "warmup" (0L, 10000000L) 0L "linear warm-up iterations"
            enum "augment" [ "detr"; "flip"; "none" ] "detr" "augmentation: detr (flip, multi-scale resize, random crop), flip (flip, then resize to image_min), none (resize only)"
            intList "image_min" (8L, 4096L) [ 480L; 512L; 544L; 576L; 608L; 640L; 672L; 704L; 736L; 768L; 800L ] "shorter-side sizes for training"
            int "image_max" (8L, 8192L) 1333L "cap on the longer side"
            intList "crop_resize" (8L, 4096L) [ 400L; 500L; 600L ] "shorter sides before the random crop"
            int "crop_min" (8L, 4096L) 384L "smallest crop side"
            int "crop_max" (8L, 4096L) 600L "largest crop side"
            int "val_size" (8L, 4096L) 800L "shorter side for evaluation"
            int "eval_every" (1L, 100000L) 1L "evaluate every this many epochs"
            int "accumulate" (1L, 1024L) 1L "batches accumulated per optimizer step"
            bool "skip_nonfinite" false "skip steps whose loss is not finite (instead of stopping)"
            int "seed" (0L, 2147483647L) 42L "random seed"
            int "workers" (1L, 64L) 2L "data loader threads"
            int "replicas" (1L, 64L) 1L "CPU data parallelism: the batch split over this many threads, one libtorch thread each" ] }
      { Kind = "adamw"; Doc = "AdamW (decoupled weight decay)"
        Fields =
          [ flt "lr" (0.0, 1.0) 1e-4 "learning rate"
            flt "weight_decay" (0.0, 1.0) 1e-4 "decoupled weight decay"
            flt "beta1" (0.0, 1.0) 0.9 "first moment decay"
            flt "beta2" (0.0, 1.0) 0.999 "second moment decay"
            flt "eps" (0.0, 1.0) 1e-8 "denominator epsilon" ] } ]

and find (kind: string) = all |> List.tryFind (fun k -> k.Kind = kind)

let field (kind: string) (name: string) =
    find kind |> Option.bind (fun k -> k.Fields |> List.tryFind (fun f -> f.Name = name))

/// Kinds that have a field of this name (for "focal_alpha is a field of sigmoid" hints).
let kindsWithField (name: string) =
    all |> List.filter (fun k -> k.Fields |> List.exists (fun f -> f.Name = name)) |> List.map (fun k -> k.Kind)

let rec describe (t: FieldType) =
    match t with
    | FieldType.Int(lo, hi) -> sprintf "integer in [%d, %d]" lo hi
    | FieldType.IntChoice xs -> "one of " + (xs |> List.map string |> String.concat ", ")
    | FieldType.Float(lo, hi) -> sprintf "number in [%g, %g]" lo hi
    | FieldType.Bool -> "true or false"
    | FieldType.Enum xs -> "one of " + String.concat ", " xs
    | FieldType.List t -> sprintf "list of %s" (describe t)
    | FieldType.Block(kinds, optional) -> (if optional then "none or " else "") + (kinds |> List.map (sprintf "%s { ... }") |> String.concat " or ")
    | FieldType.Terms allowed -> sprintf "weighted sum of %s (e.g. 2 * class + 5 * l1)" (String.concat ", " allowed)
    | FieldType.Text -> "string"
