module Detr.Cli.Tests.SpecCommandTests

open System.IO
open Xunit
open Detr.Cli.Tests.CliRunner
open Detr.Tests

[<Fact>]
let ``check prints ok with the parameter count for every model of a file`` () =
    let r = detr [ "check"; "specs/deformable_detr_r50.detr" ]
    Assert.True((r.ExitCode = 0), r.Out + r.Err)
    Assert.Contains("ok: deformable_detr_r50 (39847265 parameters)", r.Out)
    Assert.Contains("ok: deformable_detr_r50_box_refine (", r.Out)
    Assert.Contains("ok: deformable_detr_r50_two_stage (", r.Out)

[<Fact>]
let ``check reports errors as file:line:col and exits 1`` () =
    let file = TestScratch.path "bad-dim.detr"
    File.WriteAllText(file, "model m {\n  dim = 250\n}\n")
    let r = detr [ "check"; file ]
    Assert.Equal(1, r.ExitCode)
    Assert.Contains("bad-dim.detr:2:9: error: position: a sine encoding of width dim = 250", r.Out + r.Err)
    Assert.Contains("error: dim 250 is not divisible by encoder.heads 8 [DSL012]", r.Out + r.Err)

[<Fact>]
let ``a misspelled set override fails with a hint`` () =
    let r = detr [ "check"; "specs/detr_r50.detr"; "--set"; "decoder.layerz=3" ]
    Assert.Equal(1, r.ExitCode)
    Assert.Contains("unknown field 'layerz'", r.Out)
    Assert.Contains("hint: did you mean 'layers'?", r.Out)

[<Fact>]
let ``show prints canonical syntax that check accepts`` () =
    let r = detr [ "show"; "specs/conditional_detr_r50.detr"; "--model"; "conditional_detr_r50"; "--set"; "decoder.layers=3" ]
    Assert.True((r.ExitCode = 0), r.Err)
    Assert.Contains("decoder = conditional { layers = 3,", r.Out)
    let file = TestScratch.path "shown.detr"
    File.WriteAllText(file, r.Out)
    let again = detr [ "check"; file ]
    Assert.True((again.ExitCode = 0), again.Out)

[<Fact>]
let ``diff lists the differing paths`` () =
    let r = detr [ "diff"; "specs/detr_r50.detr:detr_r50"; "specs/conditional_detr_r50.detr:conditional_detr_r50" ]
    Assert.True((r.ExitCode = 0), r.Err)
    let paths = r.Out.Trim().Split('\n') |> Array.map (fun l -> l.Substring(0, l.IndexOf ':'))
    Assert.Equal<string[]>([| "queries"; "decoder"; "head"; "match.cost"; "loss"; "train.epochs"; "train.lr_drop" |], paths)

[<Fact>]
let ``show --schema prints a kind's fields`` () =
    let r = detr [ "show"; "--schema"; "sigmoid" ]
    Assert.True((r.ExitCode = 0), r.Err)
    Assert.Contains("focal_alpha", r.Out)
    Assert.Contains("default 0.25", r.Out)
