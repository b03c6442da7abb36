/// Semantic checks of a resolved model (DSL.md): architecture and assignment compatibility, and shape
/// inference through the pipeline (the first inconsistent component is reported).
module Detr.Dsl.Checker

open Detr.Dsl

let private error (m: ModelView) code path message = Diagnostic.error code (m.RangeOf path) message

/// Every semantic diagnostic of a model (type and range errors were reported by the resolver).
let check (m: ModelView) : Diagnostic list =
    let diagnostics = ResizeArray<Diagnostic>()
    let add d = diagnostics.Add d
    let dim = m.Int "dim"
    let neck = m.Kind "neck"
    let encoder = m.Kind "encoder"
    let decoder = m.Kind "decoder"
    let head = m.Kind "head"
    let multiscale = neck = "multiscale"

    // Attention widths: dim must split evenly into heads.
    for part in [ "encoder"; "decoder" ] do
        match ShapeRules.attention part dim (m.Int(part + ".heads")) with
        | Result.Error message -> add (error m "DSL012" (part + ".heads") message)
        | Result.Ok _ -> ()

    // Deformable attention samples several levels: it needs the multi-scale neck.
    for part in [ "encoder"; "decoder" ] do
        if m.Kind part = "deformable" && not multiscale then
            add (error m "DSL017" part (sprintf "%s = deformable needs neck = multiscale { levels = ... } (deformable attention samples several feature levels)" part))
    if encoder = "deformable" && m.Bool "encoder.box_refine" then
        add (error m "DSL018" "encoder.box_refine" "box_refine applies to decoders: an encoder has no boxes to refine")
    if m.Kind "proposals" <> "none" && not (decoder = "deformable" && m.Bool "decoder.box_refine") then
        add (error m "DSL019" "proposals" "two-stage proposals need decoder = deformable { box_refine = true } (Deformable DETR's two-stage refines the proposals)")

    // DETA: IoU assignment needs queries that carry boxes before the decoder (proposals).
    if m.Kind "match" = "iou" && m.Kind "proposals" = "none" then
        add (error m "DSL014" "match" "match = iou needs queries with boxes: add proposals = encoder { ... } (DETA assigns by IoU of two-stage proposals)")

    // Class terms: `focal` needs a sigmoid head, `ce` a softmax head.
    for path in [ "loss"; "match.cost" ] do
        match m.TryField path with
        | Some { Value = RValue.Terms terms } ->
            for (_, name) in terms do
                if name = "focal" && head <> "sigmoid" then
                    add (error m "DSL015" path (sprintf "%s uses the focal class term, which needs head = sigmoid { ... } (the head is %s)" path head))
                if name = "ce" && head <> "softmax" then
                    add (error m "DSL015" path (sprintf "%s uses the cross-entropy class term, which needs head = softmax { ... } (the head is %s)" path head))
        | _ -> ()

    // Co-DETR's collaborative training is its auxiliary heads; a single-scale model gives them the encoder's
    // one map (the paper builds the pyramid of single-scale DETRs from that map).
    match m.TryField "collaborate.heads" with
    | Some { Value = RValue.List [] } ->
        add (error m "DSL016" "collaborate.heads" "collaborate = co { ... } needs at least one auxiliary head, e.g. heads = [atss { }]")
    | _ -> ()

    // Shape inference: backbone → projection → dim → positional encoding → attention.
    let stages = ShapeRules.returned (m.Int "backbone.depth") (m.Int "backbone.width") (m.Bool "backbone.dilation") (m.Words "backbone.returns")
    let levels = if multiscale then Some(m.Int "neck.levels") else None
    let shapeChecks =
        [ (fun () -> ShapeRules.project stages levels dim |> Result.map ignore), (if multiscale then "neck.levels" else "backbone.returns"), "DSL013"
          (fun () -> ShapeRules.position (m.Kind "position") dim |> Result.map ignore), "dim", "DSL020" ]
        @ [ for part in [ "encoder"; "decoder" ] do
                if m.Kind part = "deformable" && multiscale then
                    yield (fun () -> ShapeRules.deformable part dim (m.Int(part + ".heads")) (m.Int "neck.levels") (m.Int(part + ".points")) |> Result.map ignore), part, "DSL020" ]
    shapeChecks
    |> List.tryPick (fun (rule, path, code) -> match rule () with Result.Error message -> Some(error m code path message) | _ -> None)
    |> Option.iter add

    // Recipe: a drop after the last epoch never happens (a cosine schedule has no drops to check).
    let epochs = m.Int "train.epochs"
    if m.Word "train.schedule" = "step" then
        for e in m.Ints "train.lr_drop" do
            if e >= epochs then
                add (Diagnostic.warning "DSL021" (m.RangeOf "train.lr_drop") (sprintf "train.lr_drop %d is not before the last epoch (%d): that drop never happens" e epochs))

    // Data-parallel replicas split the batch evenly, and draw no random numbers while they race.
    let replicas = m.Int "train.replicas"
    if replicas > 1 then
        let batch = m.Int "train.batch"
        if batch % replicas <> 0 then
            add (error m "DSL026" "train.replicas" (sprintf "train.replicas = %d does not divide train.batch = %d: each replica takes an equal share of the batch" replicas batch))
        for part in [ "encoder"; "decoder" ] do
            match m.TryField(part + ".dropout") with
            | Some _ when m.Float(part + ".dropout") > 0.0 ->
                add (error m "DSL026" "train.replicas"
                        (sprintf "train.replicas = %d needs %s.dropout = 0: replicas would draw dropout masks from one generator in a racing order, and runs would not repeat" replicas part))
            | _ -> ()
    List.ofSeq diagnostics
