/// `detr eval`: COCO evaluation of a trained model (a training checkpoint or a weights file) on a dataset's
/// validation split: the 12 standard stats and the per-category table.
module Detr.Cli.Commands.Eval

open Argu
open Detr.Cli
open Detr.Runtime.Coco
open Detr.Runtime.Training
open Detr.Torch

type EvalArgs =
    | [<MainCommand; Mandatory>] File of path: string
    | Model of name: string
    | Set of assignment: string
    | [<Mandatory>] Checkpoint of path: string
    | [<Mandatory>] Data of dir: string
    | Val_Ann of path: string
    | Val_Images of dir: string
    | Device of device: string
    | Json
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "spec file (.detr)"
            | Model _ -> "model (needed when the file declares several)"
            | Set _ -> "override a field, as `path=value` (repeatable)"
            | Checkpoint _ -> "a training checkpoint (checkpoint-*.safetensors, best.safetensors) or a weights file (.safetensors/.pth)"
            | Data _ -> "dataset folder in COCO's layout, or `synthetic`"
            | Val_Ann _ -> "validation annotation file (default annotations/instances_val2017.json)"
            | Val_Images _ -> "validation image folder (default val2017/)"
            | Device _ -> "cpu (default) or cuda[:N]"
            | Json -> "print the result as JSON (stats in pycocotools' order, per-category table)"

let run (args: ParseResults<EvalArgs>) =
    TorchSetup.init ()
    try
        let compiled = ModelLoading.compile (args.GetResult File) (args.TryGetResult Model) (args.GetResults Set)
        let device = Device.Parse(args.GetResult(Device, defaultValue = "cpu"))
        use model = ModelLoading.loadTrained compiled (args.GetResult Checkpoint) device
        let dir = DataSource.root (args.GetResult Data)
        let valSet = Detr.Runtime.Data.CocoDataset.FromLayout(dir, "val", Option.toObj (args.TryGetResult Val_Ann), Option.toObj (args.TryGetResult Val_Images))
        let loader = RecipeData.ValidationLoader(compiled.Plan.Train, valSet, Detr.Runtime.Data.BadImagePolicy.Skip, fun m -> eprintfn "%s" m)
        let gt = CocoJson.ReadGroundTruth valSet.AnnotationFile
        let struct (result, _) = Evaluation.Run(model, compiled.Plan, loader, gt, device)
        if args.Contains Json then printfn "%s" (CocoReport.Json result)
        else
            printfn "COCO bbox evaluation of %s on %d images of %s:" compiled.Name valSet.Count valSet.AnnotationFile
            for line in result.Stats.Lines() do printfn "%s" line
            printf "\n%s" (CocoReport.CategoryTable result)
        0
    with ModelLoading.SpecFailed -> 1
