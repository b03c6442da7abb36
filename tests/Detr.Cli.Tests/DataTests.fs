module Detr.Cli.Tests.DataTests

open System.IO
open Xunit
open Detr.Cli.Tests.CliRunner
open Detr.Tests

let private synth () =
    let dir = TestScratch.folder "detr-synth"
    let r = detr [ "data"; "synth"; "--out"; dir; "--train"; "30"; "--val"; "5"; "--size"; "64"; "--seed"; "4" ]
    Assert.True((r.ExitCode = 0), r.Err)
    dir

[<Fact>]
let ``a synthetic dataset passes data check`` () =
    let dir = synth ()
    let r = detr [ "data"; "check"; dir ]
    Assert.True((r.ExitCode = 0), r.Out + r.Err)
    Assert.DoesNotContain("error:", r.Out)
    Assert.Contains("train: 30 images", r.Out)
    Assert.Contains("rectangle", r.Out)

[<Fact>]
let ``a broken dataset gives one clear line per problem and exit 1`` () =
    let dir = synth ()
    File.Delete(Path.Combine(dir, "train2017", "000000000002.jpg"))
    let truncated = Path.Combine(dir, "train2017", "000000000005.jpg")
    File.WriteAllBytes(truncated, (File.ReadAllBytes truncated).[.. 300])
    let annotations = Path.Combine(dir, "annotations", "instances_train2017.json")
    let json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText annotations)
    let anns = json.["annotations"].AsArray()
    anns.[0].["bbox"].[2] <- System.Text.Json.Nodes.JsonValue.Create(-5)   // annotation 0: negative width
    anns.[1].["category_id"] <- System.Text.Json.Nodes.JsonValue.Create(99) // annotation 1: unknown category
    File.WriteAllText(annotations, json.ToJsonString())
    let r = detr [ "data"; "check"; dir ]
    Assert.Equal(1, r.ExitCode)
    let errors = r.Out.Split('\n') |> Array.filter (fun l -> l.StartsWith "error:")
    Assert.Equal(4, errors.Length)
    Assert.Contains(errors, fun l -> l.Contains "000000000002.jpg: missing image file")
    Assert.Contains(errors, fun l -> l.Contains "000000000005.jpg" && l.Contains "JPEG")
    Assert.Contains(errors, fun l -> l.Contains "annotation 0" && l.Contains "non-positive width")
    Assert.Contains(errors, fun l -> l.Contains "annotation 1" && l.Contains "unknown category id 99")
