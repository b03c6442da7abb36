module Detr.Dsl.Tests.SpecTests

open System.IO
open System.Text.RegularExpressions
open global.Xunit
open Detr.Dsl
open Detr.Tests

let specsDir = Path.Combine(TestPaths.root, "specs")
let shipped = Directory.GetFiles(specsDir, "*.detr") |> Array.sort

let resolveAll (file: string) =
    let loaded, errors = Spec.load file
    Assert.Empty(errors)
    [ for name in loaded.Own -> name, Spec.resolve loaded name [] ]

let modelsOf (file: string) = resolveAll file |> List.map fst

[<Fact>]
let ``every shipped spec checks and its canonical form round-trips`` () =
    Assert.True(shipped.Length >= 10)
    for file in shipped do
        for name, result in resolveAll file do
            match result with
            | Result.Error e -> failwithf "%s:%s: %A" file name e
            | Result.Ok m ->
                let printed = Printer.model name m.Model
                let tmp = TestScratch.path (sprintf "%s-roundtrip.detr" name)
                File.WriteAllText(tmp, printed)
                let again, errors = Spec.load tmp
                Assert.Empty(errors)
                match Resolver.resolveModel again name [] with
                | Some back, [] -> Assert.True((back = m.Model), sprintf "%s does not round-trip:\n%s" name printed)
                | _, e -> failwithf "%s: printed form does not resolve: %A" name e

[<Fact>]
let ``the contracted file and model names exist`` () =
    let expected =
        [ "detr_r50.detr", [ "detr_r50" ]
          "conditional_detr_r50.detr", [ "conditional_detr_r50" ]
          "deformable_detr_r50.detr", [ "deformable_detr_r50"; "deformable_detr_r50_box_refine"; "deformable_detr_r50_two_stage" ]
          "deta_r50.detr", [ "deta_r50" ]
          "co_deformable_detr_r50.detr", [ "co_deformable_detr_r50"; "co_deformable_detr_r50_k1" ] ]
    for file, models in expected do
        let declared = modelsOf (Path.Combine(specsDir, file))
        for m in models do Assert.Contains(m, declared)

/// The parity fixtures' configurations (../shared/fixtures/parity/README.md).
let parity =
    let common = [ "queries=20"; "classes=20"; "encoder.layers=2"; "decoder.layers=2"; "encoder.dropout=0"; "decoder.dropout=0" ]
    [ "detr", "detr_r50.detr", "detr_r50", common @ [ "dim=64"; "encoder.ffn=128"; "decoder.ffn=128" ]
      "cdetr", "conditional_detr_r50.detr", "conditional_detr_r50", common @ [ "dim=256"; "encoder.ffn=256"; "decoder.ffn=256" ]
      "ddetr_plain", "deformable_detr_r50.detr", "deformable_detr_r50",
      common @ [ "dim=64"; "neck.levels=4"; "encoder.ffn=128"; "decoder.ffn=128"; "encoder.points=4"; "decoder.points=4" ]
      "ddetr_refine_twostage", "deformable_detr_r50.detr", "deformable_detr_r50_two_stage",
      common @ [ "dim=256"; "proposals.top=20"; "neck.levels=3"; "encoder.ffn=256"; "decoder.ffn=256"; "encoder.points=4"; "decoder.points=4" ] ]

/// Parameters of a reference state dict: keys of kind "param", aliases counted once.
let referenceParameters (fixture: string) =
    File.ReadLines(TestPaths.fixture [ "parity"; fixture; "keys.txt" ])
    |> Seq.filter (fun l -> not (l.StartsWith "#"))
    |> Seq.map (fun l -> l.Split('\t'))
    |> Seq.filter (fun parts -> parts.[4] = "param" && (parts.Length < 6 || parts.[5] = ""))
    |> Seq.sumBy (fun parts -> Regex.Matches(parts.[1], @"\d+") |> Seq.fold (fun n m -> n * int64 m.Value) 1L)

[<Fact>]
let ``parameter counts equal the reference state dicts of the parity fixtures`` () =
    for fixture, file, model, sets in parity do
        match Spec.loadModel (Path.Combine(specsDir, file)) (Some model) sets with
        | Result.Ok m, _ -> Assert.True((referenceParameters fixture = ParamCount.total m.View), sprintf "%s: reference %d, ours %d" fixture (referenceParameters fixture) (ParamCount.total m.View))
        | Result.Error e, _ -> failwithf "%s: %A" fixture e

[<Fact>]
let ``published models have the papers' parameter counts`` () =
    let count file model =
        match Spec.loadModel (Path.Combine(specsDir, file)) (Some model) [] with
        | Result.Ok m, _ -> ParamCount.trainable m.View
        | Result.Error e, _ -> failwithf "%A" e
    Assert.Equal(41302368L, count "detr_r50.detr" "detr_r50")           // detr main.py prints this number
    Assert.InRange(count "detr_r101.detr" "detr_r101", 59_800_000L, 60_500_000L)
    Assert.InRange(count "conditional_detr_r50.detr" "conditional_detr_r50", 43_000_000L, 44_500_000L)
    Assert.Equal(39847265L, count "deformable_detr_r50.detr" "deformable_detr_r50")

[<Fact>]
let ``diff of DETR and Conditional DETR lists exactly the differing paths`` () =
    let load file model = match Spec.loadModel (Path.Combine(specsDir, file)) (Some model) [] with | Result.Ok m, _ -> m.Model | _ -> failwith "load"
    let lines = Diff.models (load "detr_r50.detr" "detr_r50") (load "conditional_detr_r50.detr" "conditional_detr_r50")
    let paths = lines |> List.map (fun l -> l.Substring(0, l.IndexOf ':'))
    Assert.Equal<string list>([ "queries"; "decoder"; "head"; "match.cost"; "loss"; "train.epochs"; "train.lr_drop" ], paths)

[<Fact>]
let ``set overrides change exactly the named fields`` () =
    let file = Path.Combine(specsDir, "detr_r50.detr")
    let load sets = match Spec.loadModel file None sets with | Result.Ok m, _ -> m.Model | Result.Error e, _ -> failwithf "%A" e
    let lines = Diff.models (load []) (load [ "decoder.layers=3"; "dim=128" ])
    Assert.Equal<string list>([ "dim: 256 -> 128"; "decoder.layers: 6 -> 3" ], lines)
    let replaced = Diff.models (load []) (load [ "decoder=conditional { layers = 3 }" ])
    Assert.Equal(1, replaced.Length)

[<Fact>]
let ``a misspelled override fails with a hint`` () =
    match Spec.loadModel (Path.Combine(specsDir, "detr_r50.detr")) None [ "decoder.layerz=3" ] with
    | Result.Error [ d ], _ ->
        Assert.Equal("DSL002", d.Code)
        Assert.Equal(Some "did you mean 'layers'?", d.Hint)
    | other -> failwithf "expected one error, got %A" (fst other)

[<Fact>]
let ``the block kinds section of the docs is the schemas' own text`` () =
    let doc = File.ReadAllText(Path.Combine(TestPaths.root, "docs", "spec-language.md"))
    let section = doc.Substring(doc.IndexOf("<!-- schemas:begin -->"))
    for kind in Schema.all do
        Assert.Contains(Printer.schema kind, section)
