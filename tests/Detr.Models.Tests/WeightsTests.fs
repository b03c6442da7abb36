/// Issue #7, acceptance 3: strict loads name what does not match; partial loads say what stayed initialised.
module Detr.Models.Tests.WeightsTests

open System
open System.IO
open Xunit
open Detr.Dsl
open Detr.Models
open Detr.Models.Tests.ParityFixture
open Detr.Torch
open Detr.Torch.Serialization
open Detr.Tests

let private temp (name: string) = TestScratch.path (sprintf "detr-weights-%s-%s" (Guid.NewGuid().ToString("N")) name)

/// The DETR fixture's full state dict, edited, written as one safetensors file.
let private writeEdited (edit: (string * Tensor) list -> (string * Tensor) list) =
    let all = weights detr |> List.collect (fun p -> SafeTensors.Load p |> Seq.map (fun struct (n, t) -> n, t) |> List.ofSeq)
    let file = temp "edited.safetensors"
    WeightsFile.Save(file, edit all |> Seq.map (fun (n, t) -> struct (n, t)))
    for _, t in all do t.Dispose()
    file

let private fixtureModel () = Compiler.build (compile detr [])

let private same (a: Tensor) (b: Tensor) = a.Shape = b.Shape && a.Eq(b).All().Item() = 1.0

[<Fact>]
let ``A renamed key fails the strict load naming both the missing and the unexpected name`` () =
    let file = writeEdited (List.map (fun (n, t) -> (if n = "transformer.decoder.norm.weight" then "transformer.decoder.norm.weigth" else n), t))
    use model = fixtureModel ()
    let e = Assert.Throws<WeightsMismatchException>(fun () -> Weights.load model [ file ] false |> ignore)
    Assert.Equal<string>([ "transformer.decoder.norm.weight" ], e.Report.Missing)
    Assert.Equal<string>([ "transformer.decoder.norm.weigth" ], e.Report.Unexpected)
    Assert.Contains("transformer.decoder.norm.weigth", e.Message)
    Assert.Contains("missing from the weights (1): transformer.decoder.norm.weight", e.Message)

[<Fact>]
let ``A wrong shape fails the strict load naming the tensor and both shapes`` () =
    let file = writeEdited (List.map (fun (n, t) -> n, (if n = "class_embed.bias" then t.Narrow(0, 0L, 7L) else t)))
    use model = fixtureModel ()
    let e = Assert.Throws<WeightsMismatchException>(fun () -> Weights.load model [ file ] false |> ignore)
    Assert.Contains("class_embed.bias: model [21], file [7]", e.Message)
    Assert.Empty(e.Report.Missing)

[<Fact>]
let ``A pth file whose shapes differ fails naming them`` () =
    use model = fixtureModel ()
    let pth = TestPaths.fixture [ "torch"; "state_dict.pth" ]
    let e = Assert.Throws<WeightsMismatchException>(fun () -> Weights.load model [ pth ] false |> ignore)
    Assert.Contains("backbone.0.body.conv1.weight: model [64, 3, 7, 7], file [4, 3, 3, 3]", e.Message)

[<Fact>]
let ``A failed strict load leaves the model as it was`` () =
    let file = writeEdited (List.map (fun (n, t) -> n, (if n = "class_embed.bias" then t.Narrow(0, 0L, 7L) else t)))
    use model = fixtureModel ()
    let before = model.StateDict() |> Seq.map (fun struct (n: string, t: Tensor) -> n, t.Clone()) |> List.ofSeq
    Assert.Throws<WeightsMismatchException>(fun () -> Weights.load model [ file ] false |> ignore) |> ignore
    for (n, b), struct (_, a) in Seq.zip before (model.StateDict()) do
        Assert.True(same a b, sprintf "%s changed" n)

[<Fact>]
let ``A backbone-only file loads partially and reports the detector parts left initialised`` () =
    use model = fixtureModel ()
    let backbone = TestPaths.fixture [ "parity"; "shared"; "resnet50_backbone.safetensors" ]
    let r = Weights.load model [ backbone ] true
    Assert.All(r.Report.Loaded, fun n -> Assert.StartsWith("backbone.0.body.", n))
    Assert.Equal(model.StateDict() |> Seq.filter (fun struct (n, _) -> n.StartsWith "backbone.0.body.") |> Seq.length, r.Report.Loaded.Count)
    Assert.Contains("class_embed.weight", r.Report.Missing)
    Assert.Contains("transformer.encoder.layers.0.self_attn.in_proj_weight", r.Report.Missing)
    Assert.Empty(r.Report.Unexpected)
    Assert.Contains(Weights.describe r, fun line -> line.StartsWith "left initialised, not in the weights")

[<Fact>]
let ``A torchvision ResNet file is read under the backbone prefix, its classifier ignored`` () =
    let backbone = TestPaths.fixture [ "parity"; "shared"; "resnet50_backbone.safetensors" ]
    let file = temp "resnet50-torchvision.safetensors"
    let tensors =
        [ for struct (n, t) in SafeTensors.Load backbone -> n.Substring(Weights.backbonePrefix.Length), t ]
        @ [ "fc.weight", Tensor.Zeros([| 1000L; 2048L |]); "fc.bias", Tensor.Zeros([| 1000L |])
            "bn1.num_batches_tracked", Tensor.Zeros([||], DType.Int64) ]
    WeightsFile.Save(file, tensors |> Seq.map (fun (n, t) -> struct (n, t)))
    use model = fixtureModel ()
    let r = Weights.load model [ file ] true
    Assert.Equal<string list>([ file ], r.Mapped)
    Assert.Equal<string>([ "backbone.0.body.bn1.num_batches_tracked"; "backbone.0.body.fc.bias"; "backbone.0.body.fc.weight" ], r.Report.Unexpected)
    Assert.Equal(265, r.Report.Loaded.Count) // ResNet-50: 53 convolutions, 53 frozen batch norms x 4 buffers
    let conv1 = model.StateDict() |> Seq.pick (fun struct (n, t) -> if n = "backbone.0.body.conv1.weight" then Some t else None)
    let expected = tensors |> List.pick (fun (n, t) -> if n = "conv1.weight" then Some t else None)
    Assert.True(same conv1 (expected.To(DType.Float32)), sprintf "conv1 %A vs %A, max diff %g" conv1.Shape expected.Shape (maxAbs conv1 expected))

[<Fact>]
let ``Fine-tuning on other classes keeps everything but the class head`` () =
    use model = Compiler.build (compile detr [ "classes=5" ])
    let r = Weights.load model (weights detr) true
    Assert.Equal<string>([ "class_embed.bias"; "class_embed.weight" ], r.Report.Mismatched |> Seq.map _.Name |> Seq.sort)
    Assert.Empty(r.Report.Missing)
    Assert.Empty(r.Report.Unexpected)
    Assert.Contains(Weights.describe r, fun line -> line.Contains "class_embed.weight: model [6, 64], file [21, 64]")
