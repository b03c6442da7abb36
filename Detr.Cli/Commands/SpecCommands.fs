/// `detr check | show | diff`: the spec language's front end on the command line.
module Detr.Cli.Commands.SpecCommands

open System
open System.IO
open Argu
open Detr.Dsl

type CheckArgs =
    | [<MainCommand; Mandatory>] File of path: string
    | Model of name: string
    | Set of assignment: string
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "spec file (.detr)"
            | Model _ -> "model to check (default: every model the file declares)"
            | Set _ -> "override a field, as `path=value` (repeatable)"

type ShowArgs =
    | [<MainCommand>] File of path: string
    | Model of name: string
    | Set of assignment: string
    | Schema of kind: string
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "spec file (.detr)"
            | Model _ -> "model to print (needed when the file declares several)"
            | Set _ -> "override a field, as `path=value` (repeatable)"
            | Schema _ -> "print the schema of a block kind (or `all`) instead of a model"

type DiffArgs =
    | [<MainCommand; Mandatory>] Models of specs: string list
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Models _ -> "two models as FILE[:MODEL]"

/// Prints diagnostics to `out`; true when there was at least one error.
let reportTo (out: TextWriter) (sources: Spec.Sources) (diagnostics: Diagnostic list) =
    for d in diagnostics |> List.sortBy (fun d -> d.Range.File, d.Range.Line, d.Range.Col) do
        out.WriteLine(sources.Format d)
    diagnostics |> List.exists (fun d -> d.Severity = Error)

/// Prints diagnostics (standard output: `detr check`'s contract); true when there was at least one error.
let report (sources: Spec.Sources) (diagnostics: Diagnostic list) = reportTo Console.Out sources diagnostics

let check (args: ParseResults<CheckArgs>) =
    let file = args.GetResult CheckArgs.File
    let loaded, loadErrors = Spec.load file
    let sources = Spec.Sources(Some loaded)
    if report sources loadErrors then 1
    else
        match Spec.parseOverrides (args.GetResults CheckArgs.Set), Spec.selectModels loaded (args.TryGetResult CheckArgs.Model) with
        | Result.Error e, _ | _, Result.Error e -> report sources e |> ignore; 1
        | Result.Ok sets, Result.Ok names ->
            let mutable failed = false
            for name in names do
                match Spec.resolve loaded name sets with
                | Result.Ok m ->
                    report sources m.Warnings |> ignore
                    printfn "ok: %s (%d parameters)" name (ParamCount.trainable m.View)
                | Result.Error diagnostics ->
                    report sources diagnostics |> ignore
                    failed <- true
            if failed then 1 else 0

let show (args: ParseResults<ShowArgs>) =
    match args.TryGetResult ShowArgs.Schema with
    | Some "all" ->
        for k in Schema.all do printfn "%s" (Printer.schema k)
        0
    | Some kind ->
        match Schema.find kind with
        | Some k -> printf "%s" (Printer.schema k); 0
        | None ->
            let hint = Diagnostic.didYouMean kind (Schema.all |> List.map (fun k -> k.Kind)) |> Option.map (sprintf " (%s)") |> Option.defaultValue ""
            eprintfn "error: no block kind '%s'%s; kinds: %s" kind hint (Schema.all |> List.map (fun k -> k.Kind) |> String.concat ", ")
            1
    | None ->
        let file = args.TryGetResult ShowArgs.File |> Option.defaultWith (fun () -> failwith "show needs a spec file (or --schema KIND)")
        match Spec.loadModel file (args.TryGetResult ShowArgs.Model) (args.GetResults ShowArgs.Set) with
        | Result.Ok m, _ -> printf "%s" (Printer.model m.Name m.Model); 0
        | Result.Error e, sources -> report sources e |> ignore; 1

/// `FILE[:MODEL]`: the model after the last colon when the whole text is not a file.
let splitSpec (text: string) =
    let i = text.LastIndexOf ':'
    if i > 0 && not (File.Exists text) then text.Substring(0, i), Some(text.Substring(i + 1)) else text, None

let diff (args: ParseResults<DiffArgs>) =
    match args.GetResult DiffArgs.Models with
    | [ a; b ] ->
        let load (text: string) =
            let file, model = splitSpec text
            Spec.loadModel file model []
        match load a, load b with
        | (Result.Ok x, _), (Result.Ok y, _) ->
            for line in Diff.models x.Model y.Model do printfn "%s" line
            0
        | (Result.Error e, sources), _ | _, (Result.Error e, sources) -> report sources e |> ignore; 1
    | _ -> failwith "diff takes two models: FILE[:MODEL] FILE[:MODEL]"
