/// Issue #6, acceptance 2: broken specs give the expected diagnostic at the expected line:col.
module Detr.Dsl.Tests.BrokenSpecTests

open System.IO
open global.Xunit
open Detr.Dsl
open Detr.Tests

/// Every diagnostic of the file's first model (load errors included).
let diagnose (text: string) =
    let dir = TestScratch.folder "broken"
    let file = Path.Combine(dir, "case.detr")
    File.WriteAllText(file, text)
    let loaded, loadErrors = Spec.load file
    let resolveErrors =
        match loaded.Own with
        | first :: _ when loadErrors.IsEmpty -> (match Spec.resolve loaded first [] with Result.Error e -> e | Result.Ok m -> m.Warnings)
        | _ -> []
    loadErrors @ resolveErrors

let cases: obj[] list =
    [ // syntax
      [| "model m {\n  dim = 256\n"; "DSL001"; 3; 1 |]
      [| "model m {\n  dim = = 3\n}"; "DSL001"; 2; 9 |]
      [| "model {\n}"; "DSL001"; 1; 7 |]
      [| "mdel m {}"; "DSL001"; 1; 1 |]
      [| "model m {\n  train { lr_drop = [4, 5 }\n}"; "DSL001"; 2; 27 |]
      // names, types, ranges
      [| "model m {\n  dimm = 256\n}"; "DSL002"; 2; 3 |]
      [| "model m {\n  decoder = transformer { layerz = 2 }\n}"; "DSL002"; 2; 27 |]
      [| "model m {\n  head = softmax { focal_alpha = 0.5 }\n}"; "DSL002"; 2; 20 |]
      [| "model m {\n  dim = true\n}"; "DSL003"; 2; 9 |]
      [| "model m {\n  queries = 10.5\n}"; "DSL003"; 2; 13 |]
      [| "model m {\n  queries = 0\n}"; "DSL004"; 2; 13 |]
      [| "model m {\n  decoder { dropout = 1.5 }\n}"; "DSL004"; 2; 23 |]
      [| "model m {\n  backbone { depth = 42 }\n}"; "DSL004"; 2; 22 |]
      [| "model m {\n  decoder = deformable_x { }\n}"; "DSL005"; 2; 13 |]
      [| "model m {\n  backbone { returns = [c6] }\n}"; "DSL006"; 2; 25 |]
      [| "model m {\n  backbone = r18\n}"; "DSL006"; 2; 14 |]
      [| "model m {\n  loss = 2 * class + 5 * l2\n}"; "DSL007"; 2; 22 |]
      [| "model m {\n  loss = 1 * l1 + 2 * l1\n}"; "DSL024"; 2; 10 |]
      // models and imports
      [| "model m : nope {\n}"; "DSL008"; 1; 11 |]
      [| "model a : b {\n}\nmodel b : a {\n}"; "DSL009"; 3; 11 |]
      [| "import \"missing.detr\"\nmodel m {\n}"; "DSL011"; 1; 1 |]
      [| "model m {\n}\nmodel m {\n}"; "DSL022"; 3; 1 |]
      [| "model m {\n  neck { levels = 3 }\n}"; "DSL023"; 2; 3 |]
      // semantic checks
      [| "model m {\n  dim = 256\n  encoder { heads = 6 }\n}"; "DSL012"; 3; 21 |]
      [| "model m {\n  backbone { returns = [c3, c4, c5] }\n  neck = multiscale { levels = 2 }\n}"; "DSL013"; 3; 32 |]
      [| "model m {\n  backbone { returns = [c4, c5] }\n}"; "DSL013"; 2; 24 |]
      [| "model m {\n  match = iou { threshold = 0.5 }\n}"; "DSL014"; 2; 11 |]
      [| "model m {\n  loss = 2 * focal + 5 * l1\n}"; "DSL015"; 2; 10 |]
      [| "model m {\n  collaborate = co { heads = [] }\n}"; "DSL016"; 2; 30 |]
      [| "model m {\n  encoder = deformable { }\n}"; "DSL017"; 2; 13 |]
      [| "model m {\n  neck = multiscale { levels = 1 }\n  encoder = deformable { box_refine = true }\n}"; "DSL018"; 3; 39 |]
      [| "model m {\n  proposals = encoder { }\n}"; "DSL019"; 2; 15 |]
      [| "model m {\n  dim = 130\n  encoder { heads = 2 }\n  decoder { heads = 2 }\n}"; "DSL020"; 2; 9 |]
      [| "model m {\n  train { epochs = 10, lr_drop = [20] }\n}"; "DSL021"; 2; 34 |]
      [| "model m {\n  encoder { dropout = 0 }\n  decoder { dropout = 0 }\n  train { batch = 3, replicas = 2 }\n}"; "DSL026"; 4; 33 |]
      [| "model m {\n  train { batch = 4, replicas = 2 }\n}"; "DSL026"; 2; 33 |] ]

[<Theory; MemberData(nameof cases)>]
let ``a broken spec gives its diagnostic at the expected position`` (text: string, code: string, line: int, col: int) =
    let diagnostics = diagnose text
    let found = diagnostics |> List.tryFind (fun d -> d.Code = code)
    match found with
    | Some d -> Assert.True((d.Range.Line, d.Range.Col) = (line, col), sprintf "%s at %d:%d, expected %d:%d (%s)" code d.Range.Line d.Range.Col line col d.Message)
    | None -> failwithf "no %s among %A" code (diagnostics |> List.map (fun d -> d.Code, d.Range.Line, d.Range.Col, d.Message))

[<Fact>]
let ``several errors in one file are all reported`` () =
    let diagnostics = diagnose "model m {\n  dimm = 3\n  queries = -1\n  decoder { layerz = 2 }\n  encoder { heads = 7 }\n}"
    let codes = diagnostics |> List.map (fun d -> d.Code, d.Range.Line)
    Assert.Contains(("DSL002", 2), codes)
    Assert.Contains(("DSL004", 3), codes)
    Assert.Contains(("DSL002", 4), codes)
    Assert.Contains(("DSL012", 5), codes)

[<Fact>]
let ``an import cycle names the chain`` () =
    let dir = TestScratch.folder "cycle"
    File.WriteAllText(Path.Combine(dir, "x.detr"), "import \"y.detr\"\nmodel mx {\n}")
    File.WriteAllText(Path.Combine(dir, "y.detr"), "\nimport \"x.detr\"\nmodel my {\n}")
    let _, errors = Spec.load (Path.Combine(dir, "x.detr"))
    let d = errors |> List.find (fun d -> d.Code = "DSL010")
    Assert.Equal((2, 1), (d.Range.Line, d.Range.Col))
    Assert.Contains("x.detr -> y.detr -> x.detr", d.Message)

[<Fact>]
let ``diagnostics print as file:line:col with the code, a hint and a caret`` () =
    let dir = TestScratch.folder "format"
    let file = Path.Combine(dir, "f.detr")
    File.WriteAllText(file, "model m {\n  decoder { layerz = 2 }\n}")
    let loaded, _ = Spec.load file
    match Spec.resolve loaded "m" [] with
    | Result.Error [ d ] ->
        let text = (Spec.Sources(Some loaded)).Format d
        Assert.EndsWith(":2:13: error: unknown field 'layerz' in transformer [DSL002]\n  hint: did you mean 'layers'?\n    decoder { layerz = 2 }\n              ^^^^^^", text)
    | other -> failwithf "%A" other
