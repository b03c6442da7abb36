/// H-DETR's hybrid matching (Jia et al., CVPR 2023) on a Conditional DETR: the one-to-many group trains
/// beside the one-to-one queries without changing what they see, and does not exist at inference.
module Detr.Models.Tests.HybridMatchingTests

open Xunit
open Detr.Dsl
open Detr.Models
open Detr.Torch
open Detr.Models.Tests.ParityFixture

let private repeat = "match=repeat { k = 3, queries = 40, weight = 0.5, rule = hungarian { cost = 2 * class + 5 * l1 + 2 * giou } }"

let private tiny = ParityFixture.conditionalTinyFrozenBn

let private compileTiny (extra: string list) = ParityFixture.compile tiny extra

[<Fact>]
let ``A repeat rule compiles to a one-to-many group beside the one-to-one queries`` () =
    let c = compileTiny [ repeat ]
    Assert.Equal(30, c.Detector.Queries)
    Assert.Equal(40, c.Detector.OneToManyQueries)
    Assert.Equal(Some { K = 3; Queries = 40; Weight = 0.5 }, c.Plan.OneToMany)
    Assert.Equal({ Class = 2.0; L1 = 5.0; Giou = 2.0 }, c.Plan.Match.Cost)
    use model = Compiler.build c
    let struct (_, embedding) = model.NamedParameters() |> Seq.find (fun struct (n, _) -> n = "query_embed.weight")
    Assert.Equal<int64>([| 70L; 128L |], embedding.Shape)
    Assert.Equal(None, (compileTiny []).Plan.OneToMany)

[<Fact>]
let ``In training the one-to-one queries predict exactly what they predict at inference, the group aside`` () =
    use scope = DisposeScope.Enter()
    use model = Compiler.build (compileTiny [ repeat ])
    LibTorch.ManualSeed 3UL
    let images = Tensor.Randn([| 2L; 3L; 64L; 96L |])
    let mask = Tensor.Zeros([| 2L; 64L; 96L |], DType.Bool)
    mask.Narrow(2, 80L, 16L).Narrow(0, 1L, 1L).Fill_(1.0) |> ignore       // the second image is padded on the right
    model.Train() |> ignore
    let train = model.Forward(images, mask)
    model.Eval() |> ignore
    let infer = model.Forward(images, mask)
    Assert.Equal(None, infer.OneToMany)
    let many = Option.get train.OneToMany
    Assert.Equal<int64>([| 2L; 30L; 7L |], train.Logits.Shape)
    Assert.Equal<int64>([| 2L; 40L; 7L |], many.ManyLogits.Shape)
    Assert.Equal<int64>([| 2L; 40L; 4L |], many.ManyBoxes.Shape)
    Assert.Equal(train.Aux.Length, many.ManyAux.Length)
    // The self-attention mask keeps the groups apart: the one-to-one predictions do not move.
    Assert.True(train.Logits.AllClose(infer.Logits, 1e-5, 1e-5), "logits")
    Assert.True(train.Boxes.AllClose(infer.Boxes, 1e-5, 1e-5), "boxes")
    for (a, b), (c, d) in List.zip train.Aux infer.Aux do
        Assert.True(a.AllClose(c, 1e-5, 1e-5) && b.AllClose(d, 1e-5, 1e-5), "aux")
    // ... and the one-to-many queries are not copies of them.
    Assert.False(many.ManyLogits.Narrow(1, 0L, 30L).AllClose(train.Logits, 1e-3, 1e-3))
