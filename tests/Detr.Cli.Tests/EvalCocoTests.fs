module Detr.Cli.Tests.EvalCocoTests

open System.IO
open System.Text.Json
open Xunit
open Detr.Tests
open Detr.Cli.Tests.CliRunner

let private caseFiles name =
    use doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.fixture [ "cocoeval"; "cocoeval_cases.json" ]))
    let case = doc.RootElement.GetProperty("cases").EnumerateArray() |> Seq.find (fun c -> c.GetProperty("name").GetString() = name)
    let dir = TestScratch.folder "eval-coco"
    let gt = Path.Combine(dir, "gt.json")
    let dets = Path.Combine(dir, "dets.json")
    File.WriteAllText(gt, case.GetProperty("inputs").GetProperty("gt").GetRawText())
    File.WriteAllText(dets, case.GetProperty("inputs").GetProperty("dets").GetRawText())
    gt, dets, [ for s in case.GetProperty("expected").GetProperty("stats").EnumerateArray() -> s.GetDouble() ], dir

[<Fact>]
let ``eval-coco --json prints pycocotools' twelve stats`` () =
    let gt, dets, expected, _ = caseFiles "iscrowd_regions"
    let r = detr [ "eval-coco"; "--gt"; gt; "--dets"; dets; "--json" ]
    Assert.True((r.ExitCode = 0), r.Err)
    use output = JsonDocument.Parse(r.Out)
    let stats = [ for s in output.RootElement.GetProperty("stats").EnumerateArray() -> s.GetDouble() ]
    Assert.Equal(12, stats.Length)
    List.iter2 (fun (e: float) (s: float) -> Assert.True(abs (e - s) <= 1e-9, sprintf "%g vs %g" e s)) expected stats

[<Fact>]
let ``eval-coco prints the summary lines, a per-category table and SVG charts`` () =
    let gt, dets, _, dir = caseFiles "noisy_random"
    let charts = Path.Combine(dir, "charts")
    let r = detr [ "eval-coco"; "--gt"; gt; "--dets"; dets; "--svg"; charts ]
    Assert.True((r.ExitCode = 0), r.Err)
    Assert.Contains(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.436", r.Out)
    Assert.Contains("AR100", r.Out)
    for file in [ "precision_recall.svg"; "ap_per_category.svg" ] do
        let svg = File.ReadAllText(Path.Combine(charts, file))
        Assert.StartsWith("<svg", svg)
        Assert.Contains("</svg>", svg)
    Assert.Contains("<polyline", File.ReadAllText(Path.Combine(charts, "precision_recall.svg")))

let private badResult (json: string) =
    let gt, _, _, dir = caseFiles "perfect_detection"
    let dets = Path.Combine(dir, "bad.json")
    File.WriteAllText(dets, json)
    detr [ "eval-coco"; "--gt"; gt; "--dets"; dets ], dets

[<Theory>]
[<InlineData("""[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}, {"image_id": 777, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}]""", "result 1: image_id 777 is not in the ground truth")>]
[<InlineData("""[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}]""", "result 0: missing field 'score'")>]
[<InlineData("""[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}, {"image_id": 1, "category_id": 1, "bbox": [1, 2, -3, 4], "score": 0.5}]""", "result 1: 'bbox' has a negative width")>]
[<InlineData("""[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": "NaN"}]""", "result 0: score NaN is not finite")>]
[<InlineData("""[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3], "score": 0.5}]""", "result 0: 'bbox' has 3 values")>]
[<InlineData("""{"not": "a list"}""", "results must be a JSON list")>]
let ``malformed results name the record, exit 1 and show no stack trace`` (json: string, message: string) =
    let r, path = badResult json
    Assert.Equal(1, r.ExitCode)
    Assert.Contains(message, r.Err)
    Assert.Contains(path, r.Err)
    Assert.DoesNotContain("   at ", r.Err)

[<Fact>]
let ``a missing file is a clear error`` () =
    let r = detr [ "eval-coco"; "--gt"; "/nonexistent/gt.json"; "--dets"; "/nonexistent/dets.json" ]
    Assert.Equal(1, r.ExitCode)
    Assert.Contains("/nonexistent/gt.json: no such file", r.Err)
