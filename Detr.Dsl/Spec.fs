/// The spec language's facade: load a file, resolve a model with `--set` overrides, check it.
module Detr.Dsl.Spec

open System.IO
open Detr.Dsl
open Detr.Dsl.Syntax

/// A model that passed every check (warnings may remain).
type CheckedModel =
    { Name: string
      File: string
      Model: RBlock
      View: ModelView
      Warnings: Diagnostic list }

/// Source lines by file, for the caret under a diagnostic.
type Sources(loaded: Resolver.Loaded option) =
    member _.Line(r: Range) =
        match loaded with
        | Some l ->
            let lines = l.Sources.TryFind r.File |> Option.orElse (l.Sources.TryFind(Path.GetFullPath r.File))
            lines |> Option.bind (fun ls -> if r.Line >= 1 && r.Line <= ls.Length then Some ls.[r.Line - 1] else None)
        | None -> None

    member this.Format(d: Diagnostic) = Diagnostic.format this.Line d

/// Parses `--set` texts; errors name the override.
let parseOverrides (overrides: string list) : Result<Statement list, Diagnostic list> =
    let parsed = overrides |> List.map (fun o -> o, Parser.parseOverride o)
    let errors =
        parsed
        |> List.choose (fun (text, r) ->
            match r with
            | Result.Error e -> Some(Diagnostic.error "DSL001" { e.Range with File = "--set" } (sprintf "in --set %s: %s" text e.Message))
            | _ -> None)
    if errors.IsEmpty then Result.Ok(parsed |> List.map (snd >> function Result.Ok s -> s | _ -> failwith "unreachable"))
    else Result.Error errors

/// Loads a file and lists the models it declares (its own, not imported ones).
let load (file: string) = Resolver.load file

/// Resolves and checks one model. Errors (all of them) or the checked model.
let resolve (loaded: Resolver.Loaded) (name: string) (overrides: Statement list) : Result<CheckedModel, Diagnostic list> =
    let model, diagnostics = Resolver.resolveModel loaded name overrides
    let declared = loaded.Models.TryFind name |> Option.map (fun (_, _, r) -> r) |> Option.defaultValue Range.none
    match model with
    | Some m ->
        // Failed assignments left the previous values in place, so the model is complete: semantic
        // checks run too, and every error of the file is reported in one run.
        let view = ModelView(m, declared)
        let all = diagnostics @ Checker.check view
        if all |> List.exists (fun d -> d.Severity = Error) then Result.Error all
        else Result.Ok { Name = name; File = loaded.Root; Model = m; View = view; Warnings = all }
    | None -> Result.Error diagnostics

/// The models to act on: the one named, or every model the file declares.
let selectModels (loaded: Resolver.Loaded) (name: string option) : Result<string list, Diagnostic list> =
    match name with
    | Some n when loaded.Models.ContainsKey n -> Result.Ok [ n ]
    | Some n ->
        let d = Diagnostic.error "DSL008" { Range.none with File = loaded.Root; Line = 1; Col = 1 } (sprintf "no model '%s' in %s" n loaded.Root)
        Result.Error [ match Diagnostic.didYouMean n loaded.Models.Keys with Some h -> Diagnostic.withHint h d | None -> d ]
    | None when loaded.Own.IsEmpty -> Result.Error [ Diagnostic.error "DSL008" { Range.none with File = loaded.Root; Line = 1; Col = 1 } "the file declares no model" ]
    | None -> Result.Ok loaded.Own

/// One model by file and name with overrides: everything `detr show / summary / train` needs.
let loadModel (file: string) (name: string option) (overrides: string list) : Result<CheckedModel, Diagnostic list> * Sources =
    let loaded, loadErrors = load file
    let sources = Sources(Some loaded)
    if not loadErrors.IsEmpty then Result.Error loadErrors, sources
    else
        match parseOverrides overrides, selectModels loaded name with
        | Result.Error e, _ | _, Result.Error e -> Result.Error e, sources
        | Result.Ok sets, Result.Ok names ->
            match names with
            | [ one ] -> resolve loaded one sets, sources
            | many -> Result.Error [ Diagnostic.error "DSL008" { Range.none with File = file; Line = 1; Col = 1 } (sprintf "%s declares several models (%s): choose one with --model" file (String.concat ", " many)) ], sources
