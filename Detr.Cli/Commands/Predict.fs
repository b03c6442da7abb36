/// `detr predict`: detections on image files drawn as images (JPEG with boxes; SVG with boxes, class names
/// and scores) and listed in COCO's results format (detections.json).
module Detr.Cli.Commands.Predict

open System.IO
open Argu
open Detr.Cli
open Detr.Runtime.Inference
open Detr.Torch

type PredictArgs =
    | [<MainCommand; Mandatory>] Inputs of paths: string list
    | Model of name: string
    | Set of assignment: string
    | [<Mandatory>] Checkpoint of path: string
    | [<Mandatory>] Out of dir: string
    | Threshold of score: float
    | Names of annotations: string
    | Device of device: string
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Inputs _ -> "the spec file (.detr), then image files (JPEG or PNG) or folders of them"
            | Model _ -> "model (needed when the file declares several)"
            | Set _ -> "override a field, as `path=value` (repeatable)"
            | Checkpoint _ -> "a training checkpoint or a weights file"
            | Out _ -> "folder for the drawings and detections.json"
            | Threshold _ -> "lowest score drawn and listed (default 0.5)"
            | Names _ -> "a COCO annotation file whose categories name the classes"
            | Device _ -> "cpu (default) or cuda[:N]"

let private images (paths: string list) =
    [ for p in paths do
        if Directory.Exists p then
            yield! Directory.GetFiles p |> Array.filter (fun f -> [ ".jpg"; ".jpeg"; ".png" ] |> List.contains (Path.GetExtension(f).ToLowerInvariant())) |> Array.sort
        elif File.Exists p then yield p
        else failwithf "%s: no such image file or folder" p ]

let run (args: ParseResults<PredictArgs>) =
    TorchSetup.init ()
    try
        match args.GetResult Inputs with
        | spec :: inputs when not inputs.IsEmpty ->
            let compiled = ModelLoading.compile spec (args.TryGetResult Model) (args.GetResults Set)
            let device = Device.Parse(args.GetResult(Device, defaultValue = "cpu"))
            use model = ModelLoading.loadTrained compiled (args.GetResult Checkpoint) device
            let names =
                args.TryGetResult Names
                |> Option.map (fun f -> Detr.Runtime.Coco.CocoJson.ReadGroundTruth(f).Categories |> Seq.map (fun c -> c.Id, c.Name) |> dict)
                |> Option.defaultValue null
            let predictor = Predictor(model, compiled.Plan, device, (match names with null -> null | n -> System.Collections.Generic.Dictionary(n) :> System.Collections.Generic.IReadOnlyDictionary<_, _>))
            let out = args.GetResult Out
            let summary = predictor.Run(images inputs, out, args.GetResult(Threshold, defaultValue = 0.5), fun m -> eprintfn "%s" m)
            for struct (file, kept) in summary do printfn "%s: %d detections" file kept
            printfn "drawings and detections.json in %s" (Path.GetFullPath out)
            0
        | _ -> failwith "predict takes the spec file, then at least one image: detr predict SPEC --checkpoint C IMAGES... --out DIR"
    with ModelLoading.SpecFailed -> 1
