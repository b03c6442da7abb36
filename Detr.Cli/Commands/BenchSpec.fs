/// `detr bench spec`: parse + resolve + check of every shipped spec, warm.
module Detr.Cli.Commands.BenchSpec

open System.Diagnostics
open System.IO
open Argu
open Detr.Dsl

type BenchSpecArgs =
    | Dir of string
    | Repeats of int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Dir _ -> "folder of spec files (default: specs)"
            | Repeats _ -> "timed rounds; the fastest is reported with the median (default 20)"

/// Loads, resolves and checks every model of every file; returns the number of models.
let checkAll (files: string[]) =
    let mutable models = 0
    for file in files do
        let loaded, errors = Spec.load file
        if not errors.IsEmpty then failwithf "%s does not load" file
        for name in loaded.Own do
            match Spec.resolve loaded name [] with
            | Result.Ok m -> ParamCount.trainable m.View |> ignore; models <- models + 1
            | Result.Error _ -> failwithf "%s:%s does not check" file name
    models

let run (args: ParseResults<BenchSpecArgs>) =
    let files = Directory.GetFiles(args.GetResult(Dir, "specs"), "*.detr") |> Array.sort
    let cold = Stopwatch.StartNew()
    let models = checkAll files
    let coldMs = cold.Elapsed.TotalMilliseconds
    let times =
        [ for _ in 1 .. args.GetResult(Repeats, 20) ->
            let w = Stopwatch.StartNew()
            checkAll files |> ignore
            w.Elapsed.TotalMilliseconds ]
        |> List.sort
    printfn "%d spec files, %d models: parse + resolve + check + parameter count" files.Length models
    printfn "  first run (cold, JIT)   %8.1f ms" coldMs
    printfn "  warm, fastest / median  %8.1f ms / %.1f ms   (goal: under 200 ms)" times.Head times.[times.Length / 2]
    0
