/// `backbone.width`: a ResNet scaled down by its channels (the stem's width, doubled per stage), with the
/// checker's shapes and parameter counts following the built modules.
module Detr.Models.Tests.BackboneWidthTests

open Xunit
open Detr.Dsl
open Detr.Models
open Detr.Torch
open Detr.Models.Tests.ParityFixture

let private tiny = { Folder = ""; Spec = "specs/conditional_detr_tiny.detr"; Model = "conditional_detr_tiny"; Overrides = [] }

let private shape (model: Detector) name =
    model.NamedParameters() |> Seq.pick (fun struct (n, p) -> if n = name then Some p.Shape else None)

[<Fact>]
let ``A ResNet-18 of width 32 has half the channels in every stage and the parameters the checker counts`` () =
    use scope = DisposeScope.Enter()
    let spec = [ "backbone.width=32" ]
    let compiled = ParityFixture.compile tiny spec
    use model = Compiler.build compiled
    Assert.Equal<int64>([| 32L; 3L; 7L; 7L |], shape model "backbone.0.body.conv1.weight")
    Assert.Equal<int64>([| 64L; 64L; 3L; 3L |], shape model "backbone.0.body.layer2.1.conv2.weight")
    Assert.Equal<int64>([| 128L; 64L; 1L; 1L |], shape model "input_proj.weight")          // c3: 2 x 32 channels
    match Spec.loadModel (System.IO.Path.Combine(Detr.Tests.TestPaths.root, tiny.Spec)) (Some tiny.Model) spec with
    | Result.Ok m, _ -> Assert.Equal(ParamCount.trainable m.View, model.ParameterCount(true))
    | Result.Error e, _ -> failwithf "%A" e
    // the default keeps torchvision's 64
    use full = Compiler.build (ParityFixture.compile tiny [])
    Assert.Equal<int64>([| 64L; 3L; 7L; 7L |], shape full "backbone.0.body.conv1.weight")
    // and a forward pass gives the usual outputs
    model.Eval() |> ignore
    use noGrad = LibTorch.NoGrad()
    let output = model.Forward(Tensor.Randn([| 1L; 3L; 64L; 64L |]), Tensor.Zeros([| 1L; 64L; 64L |], DType.Bool))
    Assert.Equal<int64>([| 1L; 30L; 4L |], output.Boxes.Shape)
