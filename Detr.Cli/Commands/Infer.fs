/// `detr infer`: an eval-mode forward pass of a spec's model on a saved batch, the outputs dumped by the
/// names of ../shared/DSL.md (pred_logits, pred_boxes, aux.{i}.*) for comparison with a reference.
module Detr.Cli.Commands.Infer

open System.Collections.Generic
open Argu
open Detr.Cli
open Detr.Torch
open Detr.Torch.Serialization

type InferArgs =
    | [<MainCommand; Mandatory>] File of path: string
    | Model of name: string
    | Set of assignment: string
    | Weights of path: string
    | Weights_Partial
    | [<Mandatory>] Input of path: string
    | [<Mandatory>] Dump of path: string
    | Trace
    | Device of device: string
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "spec file (.detr)"
            | Model _ -> "model (needed when the file declares several)"
            | Set _ -> "override a field, as `path=value` (repeatable)"
            | Weights _ -> ".safetensors or .pth weights with the reference names (repeatable; merged before the strict check)"
            | Weights_Partial -> "load what matches by name and shape and report the rest (fine-tuning, backbone-only files)"
            | Input _ -> "safetensors with `images` [B,3,H,W] float32 and `mask` [B,H,W] (true = padding)"
            | Dump _ -> "safetensors file to write the outputs to"
            | Trace -> "also dump intermediates (backbone.features.0, backbone.pos.0, encoder.memory, decoder.hs, ...)"
            | Device _ -> "cpu (default) or cuda[:N]"

/// The named outputs of one forward pass.
let outputs (out: Detr.Models.DetectorOutput) (trace: bool) =
    [ yield "pred_logits", out.Logits
      yield "pred_boxes", out.Boxes
      for i, (logits, boxes) in List.indexed out.Aux do
          yield sprintf "aux.%d.pred_logits" i, logits
          yield sprintf "aux.%d.pred_boxes" i, boxes
      if trace then
          for KeyValue(name, t) in out.Trace do yield name, t ]

/// Reads `images` and `mask` from an input file, naming what is missing or malformed.
let readBatch (path: string) (device: Device) =
    let tensors = Dictionary<string, Tensor>()
    for struct (name, t) in SafeTensors.Load path do tensors.[name] <- t
    let get name = match tensors.TryGetValue name with | true, t -> t | _ -> failwithf "%s: no tensor '%s'" path name
    let images, mask = get "images", get "mask"
    if images.Dim <> 4 || images.Size(1) <> 3L then failwithf "%s: images must be [B, 3, H, W], not %A" path images.Shape
    let shape = mask.Shape
    if shape.Length <> 3 || shape.[0] <> images.Size(0) || shape.[1] <> images.Size(2) || shape.[2] <> images.Size(3) then
        failwithf "%s: mask must be [B, H, W] matching images %A, not %A" path images.Shape shape
    let result = images.To(DType.Float32).To(device), mask.To(DType.Bool).To(device)
    for t in tensors.Values do t.Dispose()
    result

let run (args: ParseResults<InferArgs>) =
    TorchSetup.init ()
    try
        let compiled = ModelLoading.compile (args.GetResult File) (args.TryGetResult Model) (args.GetResults Set)
        let device = Device.Parse(args.GetResult(Device, defaultValue = "cpu"))
        use detector = ModelLoading.build compiled (args.GetResults Weights) (args.Contains Weights_Partial)
        detector.To(device) |> ignore
        detector.Eval() |> ignore
        use scope = DisposeScope.Enter()
        let images, mask = readBatch (args.GetResult Input) device
        use _ = LibTorch.NoGrad()
        let out = detector.Forward(images, mask, args.Contains Trace)
        let named = outputs out (args.Contains Trace) |> List.map (fun (n, t) -> n, t.To(Detr.Torch.Device.Cpu).Contiguous())
        let path = args.GetResult Dump
        WeightsFile.Save(path, named |> Seq.map (fun (n, t) -> struct (n, t)))
        printfn "%s: %d tensors (pred_logits %A, pred_boxes %A, %d aux layers)" path named.Length out.Logits.Shape out.Boxes.Shape out.Aux.Length
        0
    with ModelLoading.SpecFailed -> 1
