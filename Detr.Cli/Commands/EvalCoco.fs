/// `detr eval-coco --gt GT.json --dets DETS.json [--json] [--svg DIR]`: COCO bbox evaluation with
/// pycocotools' numbers.
module Detr.Cli.Commands.EvalCoco

open System
open System.IO
open Argu
open Detr.Runtime.Coco

type EvalCocoArgs =
    | [<Mandatory>] Gt of path: string
    | [<Mandatory>] Dets of path: string
    | Json
    | Svg of dir: string
    | Threads of int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Gt _ -> "COCO ground truth JSON (images, annotations, categories)"
            | Dets _ -> "COCO results JSON: a list of {image_id, category_id, bbox, score}"
            | Json -> "print one JSON object (stats in pycocotools' order, stats_dict, per_category)"
            | Svg _ -> "write precision-recall and per-category AP charts (SVG) into this folder"
            | Threads _ -> "evaluation threads (default: all cores)"

let run (args: ParseResults<EvalCocoArgs>) =
    let gt = CocoJson.ReadGroundTruth(args.GetResult Gt)
    let dets = CocoJson.ReadResults(args.GetResult Dets, gt)
    let evaluator = CocoEvaluator(gt)
    evaluator.AddValidated dets
    let result = evaluator.Compute(args.GetResult(Threads, 0))
    if args.Contains Json then
        printfn "%s" (CocoReport.Json result)
    else
        for line in result.Stats.Lines() do printfn "%s" line
        printfn ""
        printf "%s" (CocoReport.CategoryTable result)
    match args.TryGetResult Svg with
    | Some dir ->
        Directory.CreateDirectory dir |> ignore
        File.WriteAllText(Path.Combine(dir, "precision_recall.svg"), CocoReport.PrecisionRecallSvg(result, evaluator.Params))
        File.WriteAllText(Path.Combine(dir, "ap_per_category.svg"), CocoReport.CategorySvg result)
        if not (args.Contains Json) then printfn "charts: %s" (Path.GetFullPath dir)
    | None -> ()
    0
