module Detr.Cli.Tests.AssignTests

open System.IO
open System.Text.Json
open Xunit
open Detr.Tests
open Detr.Cli.Tests.CliRunner

let private casesOf file =
    use doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.fixture [ "loss"; file ]))
    [ for c in doc.RootElement.GetProperty("cases").EnumerateArray() -> c.GetProperty("name").GetString() ]

let cases: obj[] seq =
    seq {
        for file in [ "detr_setcriterion.json"; "deformable_setcriterion.json" ] do
            for name in casesOf file -> [| box file; box name |]
    }

/// Maps a target to the smallest index of its duplicate group (ties are arbitrary there).
let private canonical (groups: JsonElement) (t: int) =
    groups.EnumerateArray()
    |> Seq.map (fun g -> g.EnumerateArray() |> Seq.map (fun x -> x.GetInt32()) |> Seq.toList)
    |> Seq.tryFind (List.contains t)
    |> Option.map List.min
    |> Option.defaultValue t

[<Theory; MemberData(nameof cases)>]
let ``assign reproduces the reference losses and indices of every loss case`` (file: string, name: string) =
    use doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.fixture [ "loss"; file ]))
    let case = doc.RootElement.GetProperty("cases").EnumerateArray() |> Seq.find (fun c -> c.GetProperty("name").GetString() = name)
    let path = TestScratch.path (sprintf "case-%s.json" name)
    File.WriteAllText(path, case.GetProperty("inputs").GetRawText())
    let r = detr [ "assign"; "--case"; path ]
    Assert.True((r.ExitCode = 0), r.Err)
    use output = JsonDocument.Parse(r.Out)
    let got = output.RootElement
    let expected = case.GetProperty("expected")
    for term in expected.GetProperty("losses").EnumerateObject() do
        let want = term.Value.GetDouble()
        let value = got.GetProperty("losses").GetProperty(term.Name).GetDouble()
        Assert.True(abs (want - value) <= 1e-5 * max (abs want) 1e-6, sprintf "%s: %g vs %g" term.Name want value)
    let total = expected.GetProperty("weighted_total").GetDouble()
    Assert.True(abs (total - got.GetProperty("weighted_total").GetDouble()) <= 1e-5 * abs total)
    Assert.Equal(expected.GetProperty("num_boxes").GetDouble(), got.GetProperty("num_boxes").GetDouble())
    let groups = expected.GetProperty("duplicate_target_groups")
    for layer in expected.GetProperty("indices").EnumerateObject() do
        layer.Value.EnumerateArray()
        |> Seq.iteri (fun b want ->
            let have = got.GetProperty("indices").GetProperty(layer.Name).[b]
            let ints (e: JsonElement) name = e.GetProperty(name: string).EnumerateArray() |> Seq.map (fun x -> x.GetInt32()) |> Seq.toList
            Assert.Equal<int list>(ints want "pred_idx", ints have "pred_idx")
            let canon = List.map (canonical groups.[b])
            Assert.Equal<int list>(canon (ints want "tgt_idx"), canon (ints have "tgt_idx")))

[<Fact>]
let ``assign names a missing field and exits 1 without a stack trace`` () =
    let path = TestScratch.path "case-missing-targets.json"
    File.WriteAllText(path, """{"config": {"matcher": {"class_cost_type": "softmax", "cost_class": 1, "cost_bbox": 5, "cost_giou": 2}, "weight_dict": {"loss_ce": 1, "loss_bbox": 5, "loss_giou": 2}}, "outputs": {"pred_logits": [[[0, 1]]], "pred_boxes": [[[0.5, 0.5, 0.2, 0.2]]]}}""")
    let r = detr [ "assign"; "--case"; path ]
    Assert.Equal(1, r.ExitCode)
    Assert.Contains("missing field 'targets'", r.Err)
    Assert.DoesNotContain("   at ", r.Err)

[<Fact>]
let ``assign reports nan predictions by image`` () =
    let path = TestScratch.path "case-nan.json"
    File.WriteAllText(path, """{"config": {"matcher": {"class_cost_type": "softmax", "cost_class": 1, "cost_bbox": 5, "cost_giou": 2}, "weight_dict": {"loss_ce": 1, "loss_bbox": 5, "loss_giou": 2}, "eos_coef": 0.1}, "outputs": {"pred_logits": [[[0, 1]], [[NaN, 1]]], "pred_boxes": [[[0.5, 0.5, 0.2, 0.2]], [[0.5, 0.5, 0.2, 0.2]]]}, "targets": [{"labels": [0], "boxes": [[0.5, 0.5, 0.1, 0.1]]}, {"labels": [0], "boxes": [[0.4, 0.4, 0.1, 0.1]]}]}""".Replace("NaN", "\"NaN\""))
    let r = detr [ "assign"; "--case"; path ]
    Assert.Equal(1, r.ExitCode)
    Assert.Contains("error: predictions of image 1 hold 1 non-finite logits", r.Err)
