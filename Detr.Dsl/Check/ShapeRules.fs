/// Shape inference through the pipeline, one small rule per component: each takes the incoming shape
/// and returns the outgoing one or a diagnostic (never throws). The checker reports the first failure.
module Detr.Dsl.ShapeRules

open Detr.Dsl

/// A feature map: channels and stride relative to the image.
type FeatureMap = { Name: string; Channels: int; Stride: int }

/// ResNet stage outputs (torchvision layout; `width` = the stem's channels, 64 in torchvision, doubled per
/// stage). DC5 (dilation) keeps c5 at stride 16.
let backboneStages (depth: int) (width: int) (dilation: bool) : FeatureMap list =
    let expansion = if depth >= 50 then 4 else 1
    [ { Name = "c2"; Channels = width * expansion; Stride = 4 }
      { Name = "c3"; Channels = 2 * width * expansion; Stride = 8 }
      { Name = "c4"; Channels = 4 * width * expansion; Stride = 16 }
      { Name = "c5"; Channels = 8 * width * expansion; Stride = (if dilation then 16 else 32) } ]

/// The stages the backbone returns, in c2..c5 order.
let returned (depth: int) (width: int) (dilation: bool) (returns: string list) =
    backboneStages depth width dilation |> List.filter (fun s -> List.contains s.Name returns)

/// Input projections to the model width: one per returned stage, then extra stride-2 levels.
let project (stages: FeatureMap list) (levels: int option) (dim: int) : Result<FeatureMap list, string> =
    match levels with
    | None when stages.Length <> 1 ->
        Result.Error(sprintf "without a multi-scale neck the backbone must return one stage, it returns %d (%s)" stages.Length (stages |> List.map (fun s -> s.Name) |> String.concat ", "))
    | None -> Result.Ok [ { stages.Head with Channels = dim; Name = "proj" } ]
    | Some l when l < stages.Length -> Result.Error(sprintf "neck.levels %d is fewer than the %d backbone stages it consumes" l stages.Length)
    | Some l ->
        let projected = stages |> List.map (fun s -> { s with Channels = dim })
        let last = List.last stages
        let extra = [ for i in 1 .. l - stages.Length -> { Name = sprintf "extra%d" i; Channels = dim; Stride = last.Stride * pown 2 i } ]
        Result.Ok(projected @ extra)

/// Attention splits the width into heads.
let attention (component: string) (dim: int) (heads: int) : Result<int, string> =
    if dim % heads <> 0 then Result.Error(sprintf "dim %d is not divisible by %s.heads %d" dim component heads) else Result.Ok(dim / heads)

/// Sine encodings build x and y halves of interleaved sin/cos pairs: dim must be a multiple of 4.
let position (kind: string) (dim: int) : Result<int, string> =
    match kind with
    | "sine" when dim % 4 <> 0 -> Result.Error(sprintf "position: a sine encoding of width dim = %d needs dim divisible by 4 (x and y halves of sin/cos pairs)" dim)
    | "learned" when dim % 2 <> 0 -> Result.Error(sprintf "position: a learned encoding of width dim = %d needs an even dim (row and column halves)" dim)
    | _ -> Result.Ok dim

/// Deformable attention: offsets heads × levels × points × 2 and weights heads × levels × points.
let deformable (component: string) (dim: int) (heads: int) (levels: int) (points: int) : Result<int * int, string> =
    attention component dim heads |> Result.map (fun _ -> heads * levels * points * 2, heads * levels * points)
