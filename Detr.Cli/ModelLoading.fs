/// From a spec file on the command line to a built detector with its weights: what `summary`, `infer`
/// and `bench infer` share. Spec and compiler errors are printed as file:line:col diagnostics.
module Detr.Cli.ModelLoading

open Detr.Dsl
open Detr.Models

/// A spec or compile failure, already printed; the command exits 1.
exception SpecFailed

/// Resolves, checks and compiles one model, printing the diagnostics of a failure; also returns the
/// resolved model in canonical syntax (what checkpoints record as their spec).
let compileWithText (file: string) (model: string option) (overrides: string list) : Compiler.Compiled * string =
    match Spec.loadModel file model overrides with
    | Result.Ok m, sources ->
        // Warnings go to stderr: stdout carries the command's output (JSON with --json).
        Commands.SpecCommands.reportTo stderr sources m.Warnings |> ignore
        match Compiler.compile m with
        | Result.Ok c -> c, Printer.model m.Name m.Model
        | Result.Error e -> Commands.SpecCommands.report sources e |> ignore; raise SpecFailed
    | Result.Error e, sources -> Commands.SpecCommands.report sources e |> ignore; raise SpecFailed

/// Resolves, checks and compiles one model, printing the diagnostics of a failure.
let compile (file: string) (model: string option) (overrides: string list) : Compiler.Compiled =
    fst (compileWithText file model overrides)

/// Builds the compiled model and loads `weights` (none: the reference initialisation), printing the load
/// report to stderr. Strict unless `partial`.
let build (compiled: Compiler.Compiled) (weights: string list) (partial: bool) : Detector =
    let detector = Compiler.build compiled
    if not weights.IsEmpty then
        try
            let report = Weights.load detector weights partial
            for line in Weights.describe report do eprintfn "weights: %s" line
        with e ->
            detector.Dispose()
            reraise ()
    detector

/// The compiled model with the weights of a training checkpoint (its `model.*` tensors) or of a plain
/// weights file, loaded strictly, on `device`.
let loadTrained (compiled: Compiler.Compiled) (path: string) (device: Detr.Torch.Device) : Detector =
    let model = Compiler.build compiled
    try
        if Detr.Runtime.Training.Checkpoint.IsCheckpoint path then
            Detr.Runtime.Training.Checkpoint.Load(path, model, null, false) |> ignore
        else Weights.load model [ path ] false |> ignore
        model.To(device) |> ignore
        model
    with _ ->
        model.Dispose()
        reraise ()
