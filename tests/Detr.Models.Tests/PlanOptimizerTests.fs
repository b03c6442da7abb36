/// The recipe's optimizer (Detr.Runtime.Training.PlanOptimizer), shared by `detr train` and `detr bench step`:
/// AdamW with the backbone's parameters at `backbone.lr` and the rest at the recipe's rate, as detr's main.py.
module Detr.Models.Tests.PlanOptimizerTests

open Xunit
open Detr.Dsl
open Detr.Torch
open Detr.Runtime.Training
open Detr.Models.Tests.ParityFixture

let private tiny = { Folder = ""; Spec = "specs/conditional_detr_tiny.detr"; Model = "conditional_detr_tiny"; Overrides = [] }

[<Fact>]
let ``The backbone trains at its own rate and every trainable parameter is in exactly one group`` () =
    use scope = DisposeScope.Enter()
    let compiled = ParityFixture.compile tiny [ "backbone.lr=1e-5"; "train.optimizer.lr=2e-4"; "train.optimizer.weight_decay=0.05" ]
    use model = Compiler.build compiled
    let struct (optimizer, trainable) = PlanOptimizer.AdamW(model, compiled.Plan.Train)
    use _ = optimizer
    Assert.Equal<string list>([ "transformer"; "backbone" ], optimizer.Groups |> Seq.map (fun g -> g.Name) |> List.ofSeq)
    Assert.Equal<float list>([ 2e-4; 1e-5 ], optimizer.Groups |> Seq.map (fun g -> g.Lr) |> List.ofSeq)
    Assert.All(optimizer.Groups, fun g -> Assert.Equal(0.05, g.WeightDecay))
    let groupsOf (p: Tensor) = optimizer.Groups |> Seq.filter (fun g -> g.Parameters |> Seq.exists (fun q -> obj.ReferenceEquals(p, q))) |> List.ofSeq
    for struct (name, p) in model.NamedParameters() do
        match groupsOf p with
        | [] -> Assert.False(p.RequiresGrad, sprintf "%s trains but is in no group" name)   // frozen stages stay out
        | [ g ] -> Assert.Equal((if name.StartsWith "backbone." then "backbone" else "transformer"), g.Name)
        | gs -> failwithf "%s is in %d groups" name gs.Length
    Assert.Equal(model.ParameterCount(true), trainable |> Seq.sumBy (fun p -> p.NumEl))
