/// Co-DETR's auxiliary ATSS head (`collaborate = co { heads = [atss { }], query_weight = 0 }`) on a single-scale
/// Conditional DETR: built with the reference's parameter names and counted as the checker counts it, run on
/// the encoder's map in training only, without changing the rest of the model. Its tests seed the global
/// generator and compare two models built from the same stream, so they run alone.
[<Xunit.Collection(Detr.Tests.GlobalRng.Collection)>]
module Detr.Models.Tests.CollaborateTests

open System
open Xunit
open Detr.Dsl
open Detr.Models
open Detr.Torch
open Detr.Models.Tests.ParityFixture

let private co = "collaborate=co { heads = [atss { topk = 9, anchor_scale = 4 }], query_weight = 0, head_weight = 2 }"

let private tiny = ParityFixture.conditionalTinyFrozenBn

let private parameter (model: Detector) name =
    model.NamedParameters() |> Seq.pick (fun struct (n, p) -> if n = name then Some p else None)

[<Fact>]
let ``An ATSS auxiliary head compiles to the reference's modules, weights and parameter count`` () =
    use scope = DisposeScope.Enter()
    let c = ParityFixture.compile tiny [ co ]
    Assert.Equal(1, c.Detector.AtssHeads)
    Assert.Equal(8, c.Detector.FeatureStride)                                   // c3
    Assert.Equal(Some { Heads = [ { TopK = 9; AnchorScale = 4.0 } ]; HeadWeight = 2.0; DecoderLayers = 3 }, c.Plan.Collaborate)
    use model = Compiler.build c
    Assert.Equal<int64>([| 128L; 128L; 3L; 3L |], (parameter model "bbox_head.0.cls_convs.0.conv.weight").Shape)
    Assert.Equal<int64>([| 128L |], (parameter model "bbox_head.0.reg_convs.0.gn.bias").Shape)
    Assert.Equal<int64>([| 7L; 128L; 3L; 3L |], (parameter model "bbox_head.0.atss_cls.weight").Shape)
    Assert.Equal(-Math.Log(99.0), (parameter model "bbox_head.0.atss_cls.bias").Detach().ToArray<float32>().[0] |> float, 5)
    Assert.Equal(1.0, (parameter model "bbox_head.0.scales.0.scale").Item())
    match Spec.loadModel (IO.Path.Combine(Detr.Tests.TestPaths.root, tiny.Spec)) (Some tiny.Model) (tiny.Overrides @ [ co ]) with
    | Result.Ok m, _ -> Assert.Equal(ParamCount.trainable m.View, model.ParameterCount(true))
    | Result.Error e, _ -> failwithf "%A" e

[<Fact>]
let ``The head runs on the encoder's map in training only and leaves the rest of the model as it was`` () =
    use scope = DisposeScope.Enter()
    LibTorch.ManualSeed 5UL
    use plain = Compiler.build (ParityFixture.compile tiny [])
    LibTorch.ManualSeed 5UL
    use model = Compiler.build (ParityFixture.compile tiny [ co ])
    // Built last: every other parameter starts where it starts without the head.
    for struct (name, p) in plain.NamedParameters() do
        Assert.True(p.AllClose(parameter model name, 0.0, 0.0), name)
    let images = Tensor.Randn([| 2L; 3L; 64L; 96L |])
    let mask = Tensor.Zeros([| 2L; 64L; 96L |], DType.Bool)
    model.Train() |> ignore
    let train = model.Forward(images, mask)
    let level = train.Dense |> List.exactlyOne |> List.exactlyOne
    Assert.Equal<int64>([| 2L; 7L; 8L; 12L |], level.ClassLogits.Shape)         // stride 8
    Assert.Equal<int64>([| 2L; 4L; 8L; 12L |], level.BoxDeltas.Shape)
    Assert.Equal<int64>([| 2L; 1L; 8L; 12L |], level.Centerness.Shape)
    Assert.Equal(8, level.Stride)
    plain.Train() |> ignore
    Assert.True(train.Logits.AllClose(plain.Forward(images, mask).Logits, 1e-5, 1e-5), "the detector's own predictions")
    model.Eval() |> ignore
    Assert.Empty((model.Forward(images, mask)).Dense)

[<Theory>]
[<InlineData("collaborate=co { heads = [faster_rcnn { }], query_weight = 0 }", "collaborate.heads", "faster_rcnn auxiliary head")>]
[<InlineData("collaborate=co { heads = [atss { }] }", "collaborate.query_weight", "customized positive queries")>]
let ``What is not built of Co-DETR is refused, not dropped`` (overrideText: string, path: string, what: string) =
    match Spec.loadModel (IO.Path.Combine(Detr.Tests.TestPaths.root, tiny.Spec)) (Some tiny.Model) [ overrideText ] with
    | Result.Ok m, _ ->
        match Compiler.compile m with
        | Result.Ok _ -> failwith "compiled"
        | Result.Error errors ->
            let e = errors |> List.exactlyOne
            Assert.Equal("DSL030", e.Code)
            Assert.Contains(what, e.Message)
            Assert.Contains(path, e.Message)
    | Result.Error e, _ -> failwithf "%A" e
