/// The parity fixtures of ../shared/fixtures/parity (reference weights, inputs, outputs, train-mode check)
/// and the spec + overrides that describe each model (the fixtures' README).
module Detr.Models.Tests.ParityFixture

open System
open System.IO
open System.Text.Json
open Detr.Dsl
open Detr.Models
open Detr.Torch
open Detr.Torch.Serialization
open Detr.Tests

type Fixture =
    { Folder: string
      Spec: string
      Model: string
      Overrides: string list }

let private common = [ "queries=20"; "classes=20"; "encoder.layers=2"; "decoder.layers=2"; "encoder.dropout=0"; "decoder.dropout=0" ]

let detr =
    { Folder = "detr"; Spec = "specs/detr_r50.detr"; Model = "detr_r50"
      Overrides = [ "dim=64"; "encoder.ffn=128"; "decoder.ffn=128" ] @ common }

let cdetr =
    { Folder = "cdetr"; Spec = "specs/conditional_detr_r50.detr"; Model = "conditional_detr_r50"
      Overrides = [ "dim=256"; "encoder.ffn=256"; "decoder.ffn=256" ] @ common }

/// The shipped tiny Conditional DETR with frozen batch norm, so that training and inference mode differ only in
/// what training adds (a one-to-many query group, auxiliary heads).
let conditionalTinyFrozenBn =
    { Folder = ""; Spec = "specs/conditional_detr_tiny.detr"; Model = "conditional_detr_tiny"; Overrides = [ "backbone.frozen_bn=true" ] }

let path (f: Fixture) (file: string) = TestPaths.fixture [ "parity"; f.Folder; file ]

let weights (f: Fixture) = [ TestPaths.fixture [ "parity"; "shared"; "resnet50_backbone.safetensors" ]; path f "weights.safetensors" ]

let compile (f: Fixture) (extra: string list) =
    match Spec.loadModel (Path.Combine(TestPaths.root, f.Spec)) (Some f.Model) (f.Overrides @ extra) with
    | Result.Ok m, _ ->
        match Compiler.compile m with
        | Result.Ok c -> c
        | Result.Error e -> failwithf "%A" e
    | Result.Error e, _ -> failwithf "%A" e

/// The references ran with 2 intra-op threads on 2 cores; libtorch's choice of convolution kernel (and so
/// the float32 rounding) depends on the thread count, so run as the CLI does: every logical core.
let useCliThreads () = LibTorch.Threads <- Environment.ProcessorCount

/// The detector with the reference weights, loaded strictly.
let detector (f: Fixture) =
    useCliThreads ()
    let d = Compiler.build (compile f [])
    Weights.load d (weights f) false |> ignore
    d

/// Every tensor of a safetensors file by name (the caller disposes them, e.g. inside a DisposeScope).
let tensors (file: string) = SafeTensors.Load file |> Seq.map (fun struct (n, t) -> n, t) |> Map.ofSeq

let trainCheck (f: Fixture) = JsonDocument.Parse(File.ReadAllText(path f "train_check.json")).RootElement

/// Largest |a − b| − (atol + rtol·|b|) over the elements: ≤ 0 when every element is within tolerance.
let excess (atol: float) (rtol: float) (actual: Tensor) (expected: Tensor) =
    let a = actual.To(DType.Float64)
    let b = expected.To(DType.Float64)
    ((a - b).Abs() - (b.Abs() * rtol + atol)).Max().Item()

let maxAbs (actual: Tensor) (expected: Tensor) =
    (actual.To(DType.Float64) - expected.To(DType.Float64)).Abs().Max().Item()
