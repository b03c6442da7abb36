/// `head = sigmoid { class_loss = varifocal }`: the spec field reaches the plan and the criterion, and leaves the
/// matching cost focal (RT-DETR trains with varifocal and matches with the focal cost).
module Detr.Models.Tests.VarifocalPlanTests

open Xunit
open Detr.Runtime.Losses
open Detr.Runtime.Matching
open Detr.Runtime.Training

let private tiny = ParityFixture.conditionalTinyFrozenBn

[<Fact>]
let ``class_loss = varifocal gives a varifocal criterion with RT-DETR's alpha and a focal matching cost`` () =
    let c = ParityFixture.compile tiny [ "head.class_loss=varifocal" ]
    Assert.True(c.Plan.Head.Varifocal)
    Assert.Equal(0.75, c.Plan.Head.VarifocalAlpha)
    let criterion = PlanCriterion.Criterion c.Plan
    Assert.Equal(ClassLoss.Varifocal, criterion.Config.ClassLoss)
    Assert.Equal(0.75, criterion.Config.VarifocalAlpha)
    Assert.Equal(ClassCost.Focal, criterion.Matcher.Cost.ClassCost)

[<Fact>]
let ``Without class_loss a sigmoid head keeps the focal loss`` () =
    let c = ParityFixture.compile tiny [ "head.varifocal_alpha=0.5" ]
    Assert.False(c.Plan.Head.Varifocal)
    Assert.Equal(ClassLoss.Focal, (PlanCriterion.Criterion c.Plan).Config.ClassLoss)
