/// Loading weights files into a detector: strict by default (every name and shape must match, the error
/// lists what does not), or partial for fine-tuning — an ImageNet ResNet as torchvision names it, or a
/// detector trained with another number of classes (its class head is left initialised).
namespace Detr.Models

open System
open System.Collections.Generic
open Detr.Torch
open Detr.Torch.Serialization

/// What a load did, with the names left as initialised and those of the files that were not used.
type WeightsReport =
    { Report: LoadReport
      /// Files whose names were torchvision's (`conv1.weight`) and were read as `backbone.0.body.*`.
      Mapped: string list }

module Weights =
    /// Where DETR-family detectors keep the ResNet body (detr models/backbone.py: Joiner → Backbone → body).
    let backbonePrefix = "backbone.0.body."

    /// A file of a bare ResNet (torchvision names: `conv1.weight`, `layer1.0.bn1.weight`, `fc.weight`)
    /// rather than a detector.
    let private isBareResNet (names: ICollection<string>) =
        names.Contains "conv1.weight" && names |> Seq.exists (fun n -> n.StartsWith "layer1.")
        && not (names |> Seq.exists (fun n -> n.StartsWith "backbone."))

    /// The files merged (a name in two files is an error naming both); partial loads also read a bare
    /// ResNet file under the detector's backbone prefix.
    let private merged (paths: string list) (partial: bool) =
        let all = Dictionary<string, Tensor>()
        let mapped = ResizeArray<string>()
        let origin = Dictionary<string, string>()
        for path in paths do
            let tensors = WeightsFile.Load path
            let names = HashSet<string>(tensors |> Seq.map (fun struct (n, _) -> n))
            let remap = partial && isBareResNet names
            if remap then mapped.Add path
            for struct (name, value) in tensors do
                let key = if remap then backbonePrefix + name else name
                match origin.TryGetValue key with
                | true, first ->
                    for t in all.Values do t.Dispose()
                    raise (InvalidOperationException(sprintf "'%s' is in both %s and %s" key first path))
                | _ ->
                    all.[key] <- value
                    origin.[key] <- path
        all, List.ofSeq mapped

    /// Loads `paths` into `model`. Strict: missing, unexpected or shape-mismatched names throw
    /// WeightsMismatchException listing them all. Partial: whatever matches by name and shape is loaded,
    /// the report says what was left initialised (missing, mismatched) and what was ignored (unexpected).
    let load (model: Module) (paths: string list) (partial: bool) : WeightsReport =
        if paths.IsEmpty then invalidArg "paths" "no weights file given"
        for p in paths do
            if not (IO.File.Exists p) then raise (IO.FileNotFoundException(sprintf "weights file not found: %s" p, p))
        let state, mapped = merged paths partial
        try
            { Report = model.LoadStateDict(state, strict = not partial); Mapped = mapped }
        finally
            for t in state.Values do t.Dispose()

    /// The report in a few lines for the terminal.
    let describe (r: WeightsReport) =
        [ for path in r.Mapped do yield sprintf "%s: torchvision ResNet names, loaded as %s*" path backbonePrefix
          yield sprintf "%d tensors loaded" r.Report.Loaded.Count
          let summarise (names: string seq) =
              let names = List.ofSeq names
              let shown = names |> List.truncate 8 |> String.concat ", "
              if names.Length > 8 then sprintf "%s, ... (%d more)" shown (names.Length - 8) else shown
          if r.Report.Missing.Count > 0 then
              yield sprintf "left initialised, not in the weights (%d): %s" r.Report.Missing.Count (summarise r.Report.Missing)
          if r.Report.Mismatched.Count > 0 then
              yield sprintf "left initialised, shape differs (%d): %s" r.Report.Mismatched.Count
                        (r.Report.Mismatched |> Seq.map string |> summarise)
          if r.Report.Unexpected.Count > 0 then
              yield sprintf "ignored, not in the model (%d): %s" r.Report.Unexpected.Count (summarise r.Report.Unexpected) ]
