/// Issue #7 on the command line: `detr infer` reproduces the reference outputs with the fixtures' spec and
/// overrides, `detr summary` reports the papers' parameter counts, unsupported vocabulary is refused clearly.
module Detr.Cli.Tests.ModelCommandTests

open System
open System.IO
open Xunit
open Detr.Tests
open Detr.Torch
open Detr.Torch.Serialization
open Detr.Cli.Tests.CliRunner

let private common = [ "queries=20"; "classes=20"; "encoder.layers=2"; "decoder.layers=2"; "encoder.dropout=0"; "decoder.dropout=0" ]

let fixtures: obj[] seq =
    [ [| box "detr"; box "specs/detr_r50.detr"; box "detr_r50"; box ("dim=64 encoder.ffn=128 decoder.ffn=128") |]
      [| box "cdetr"; box "specs/conditional_detr_r50.detr"; box "conditional_detr_r50"; box ("dim=256 encoder.ffn=256 decoder.ffn=256") |] ]

[<Theory; MemberData(nameof fixtures)>]
let ``infer reproduces the reference predictions`` (folder: string, spec: string, model: string, sets: string) =
    let parity parts = TestPaths.fixture ("parity" :: parts)
    let dump = TestScratch.path (sprintf "infer-%s-%s.safetensors" folder (Guid.NewGuid().ToString("N")))
    let overrides = (sets.Split(' ') |> List.ofArray) @ common |> List.collect (fun s -> [ "--set"; s ])
    let r =
        detr ([ "infer"; spec; "--model"; model ] @ overrides
              @ [ "--weights"; parity [ "shared"; "resnet50_backbone.safetensors" ]; "--weights"; parity [ folder; "weights.safetensors" ]
                  "--input"; parity [ folder; "inputs.safetensors" ]; "--dump"; dump ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    use scope = DisposeScope.Enter()
    let ours = SafeTensors.Load dump |> Seq.map (fun struct (n, t) -> n, t) |> Map.ofSeq
    let reference = SafeTensors.Load(parity [ folder; "outputs.safetensors" ]) |> Seq.map (fun struct (n, t) -> n, t) |> Map.ofSeq
    Assert.Equal<string>([ "aux.0.pred_boxes"; "aux.0.pred_logits"; "pred_boxes"; "pred_logits" ], ours |> Map.keys |> Seq.sort)
    for KeyValue(name, t) in ours do
        let e = reference.[name]
        Assert.Equal<int64>(e.Shape, t.Shape)
        let excess = ((t - e).Abs() - (e.Abs() * 1e-4 + 1e-4)).Max().Item()
        Assert.True(excess <= 0.0, sprintf "%s: outside atol/rtol 1e-4 by %g" name excess)

[<Fact>]
let ``infer with a renamed weight fails naming it, exit 1, no stack trace`` () =
    let parity parts = TestPaths.fixture ("parity" :: parts)
    let renamed = TestScratch.path (sprintf "renamed-%s.safetensors" (Guid.NewGuid().ToString("N")))
    let tensors = SafeTensors.Load(parity [ "detr"; "weights.safetensors" ]) |> Seq.map (fun struct (n, t) -> struct ((if n = "query_embed.weight" then "query_embed.weights" else n), t))
    WeightsFile.Save(renamed, tensors)
    let r =
        detr ([ "infer"; "specs/detr_r50.detr"; "--set"; "dim=64"; "--set"; "encoder.ffn=128"; "--set"; "decoder.ffn=128" ] @ (common |> List.collect (fun s -> [ "--set"; s ]))
              @ [ "--weights"; parity [ "shared"; "resnet50_backbone.safetensors" ]; "--weights"; renamed
                  "--input"; parity [ "detr"; "inputs.safetensors" ]; "--dump"; renamed + ".out" ])
    Assert.Equal(1, r.ExitCode)
    Assert.Contains("missing from the weights (1): query_embed.weight", r.Err)
    Assert.Contains("unexpected in the weights (1): query_embed.weights", r.Err)
    Assert.DoesNotContain("   at ", r.Err)
    Assert.False(File.Exists(renamed + ".out"))

[<Fact>]
let ``summary reports DETR-R50's 41.3M trainable parameters and its components`` () =
    let r = detr [ "summary"; "specs/detr_r50.detr"; "--no-flops" ]
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.Contains("parameters: 41302368 trainable", r.Out) // detr main.py's n_parameters for DETR-R50
    for part in [ "backbone.0.body"; "transformer.encoder"; "transformer.decoder"; "class_embed"; "bbox_embed"; "query_embed"; "input_proj" ] do
        Assert.Contains(part, r.Out)

[<Fact>]
let ``summary counts FLOPs per component at an image size`` () =
    let r = detr [ "summary"; "specs/detr_tiny.detr"; "--size"; "64x96" ]
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    for section in [ "backbone"; "input_proj"; "transformer.encoder"; "transformer.decoder"; "heads"; "total" ] do
        Assert.Contains("  " + section, r.Out)

[<Fact>]
let ``vocabulary without modules yet is refused with a file position and not supported yet`` () =
    let r = detr [ "summary"; "specs/deformable_detr_r50.detr"; "--model"; "deformable_detr_r50"; "--no-flops" ]
    Assert.Equal(1, r.ExitCode)
    Assert.Contains("not supported yet: deformable encoder", r.Out)
    Assert.Matches(@"deformable_detr_r50\.detr:\d+:\d+: error", r.Out)
