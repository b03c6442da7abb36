/// `detr data synth | check`: the built-in synthetic dataset and dataset validation.
module Detr.Cli.Commands.Data

open Argu
open Detr.Runtime.Data

type SynthArgs =
    | [<Mandatory>] Out of dir: string
    | Train of int
    | Val of int
    | Size of int
    | Seed of int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Out _ -> "output folder (COCO layout)"
            | Train _ -> "training images (default 2000)"
            | Val _ -> "validation images (default 200)"
            | Size _ -> "image side in pixels (default 128)"
            | Seed _ -> "seed (default 0)"

type CheckArgs =
    | [<MainCommand; Mandatory>] Dir of dir: string
    | Threads of int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Dir _ -> "dataset folder in COCO's layout (annotations/instances_{train,val}2017.json, {train,val}2017/)"
            | Threads _ -> "decoding threads (default: all cores)"

type DataArgs =
    | [<CliPrefix(CliPrefix.None)>] Synth of ParseResults<SynthArgs>
    | [<CliPrefix(CliPrefix.None)>] Check of ParseResults<CheckArgs>
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Synth _ -> "write the synthetic shapes dataset"
            | Check _ -> "report missing/unreadable images, bad boxes, unknown categories, duplicate ids"

let synth (args: ParseResults<SynthArgs>) =
    let d = SyntheticOptions()
    let o = SyntheticOptions(args.GetResult(Train, d.Train), args.GetResult(Val, d.Val), args.GetResult(Size, d.Size), args.GetResult(Seed, d.Seed))
    let dir = args.GetResult Out
    SyntheticDataset.Write(dir, o)
    printfn "wrote %d train + %d val images (%d px, seed %d) to %s" o.Train o.Val o.Size o.Seed (System.IO.Path.GetFullPath dir)
    0

let check (args: ParseResults<CheckArgs>) =
    let reports = DatasetCheck.CheckLayout(args.GetResult Dir, args.GetResult(Threads, 0))
    for r in reports do
        for f in r.Findings do
            printfn "%s: %s" (if f.IsError then "error" else "warning") f.Message
    for r in reports do
        if r.Split <> "-" then
            printfn "%s: %d images, %d annotations, %d errors" r.Split r.Images r.Annotations r.Errors
            for (id, name, count) in r.PerCategory do
                printfn "  %4d %-24s %7d" id name count
    let errors = reports |> Seq.sumBy (fun (r: DatasetCheck.Report) -> r.Errors)
    if errors > 0 then
        eprintfn "%d error(s)" errors
        1
    else 0

let run (args: ParseResults<DataArgs>) =
    match args.GetSubCommand() with
    | Synth a -> synth a
    | Check a -> check a
