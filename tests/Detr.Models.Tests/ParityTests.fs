/// Issue #7, acceptance 1: specs compiled with the fixtures' overrides compute what the reference
/// implementations compute — eval-mode outputs and intermediates, and in train mode the loss terms, the
/// matches and the gradients of named parameters.
module Detr.Models.Tests.ParityTests

open System.Text.Json
open Xunit
open Detr.Dsl
open Detr.Models
open Detr.Models.Tests.ParityFixture
open Detr.Runtime.Matching
open Detr.Runtime.Training
open Detr.Torch

let fixtures: obj[] seq = [ [| box "detr" |]; [| box "cdetr" |] ]

let byName name = if name = "detr" then detr else cdetr

let private forward (f: Fixture) (model: Detector) (training: bool) =
    let inputs = tensors (path f "inputs.safetensors")
    model.Train(training) |> ignore
    inputs, model.Forward(inputs.["images"], inputs.["mask"], true)

[<Theory; MemberData(nameof fixtures)>]
let ``Eval-mode predictions and intermediates match the reference`` (name: string) =
    let f = byName name
    use model = detector f
    use scope = DisposeScope.Enter()
    use _ = LibTorch.NoGrad()
    let _, out = forward f model false
    let expected = tensors (path f "outputs.safetensors")
    let check (tensorName: string) (actual: Tensor) atol rtol =
        let e = excess atol rtol actual expected.[tensorName]
        Assert.True(e <= 0.0, sprintf "%s: max |diff| %.3g exceeds atol %g + rtol %g" tensorName (maxAbs actual expected.[tensorName]) atol rtol)
    check "pred_logits" out.Logits 1e-4 1e-4
    check "pred_boxes" out.Boxes 1e-4 1e-4
    for i, (logits, boxes) in List.indexed out.Aux do
        check (sprintf "aux.%d.pred_logits" i) logits 1e-4 1e-4
        check (sprintf "aux.%d.pred_boxes" i) boxes 1e-4 1e-4
    Assert.Equal(1, out.Aux.Length)
    // Intermediates (the fixture's layouts: decoder.hs [L, B, Q, C], sequence-first memory [HW, B, C]).
    Assert.True(out.Trace.["backbone.mask.0"].Eq(expected.["backbone.mask.0"]).All().Item() = 1.0, "downsampled mask")
    check "backbone.pos.0" out.Trace.["backbone.pos.0"] 1e-4 1e-4
    check "backbone.features.0" out.Trace.["backbone.features.0"] 1e-3 1e-3
    check "encoder.memory" out.Trace.["encoder.memory"] 1e-3 1e-3
    check "decoder.hs" out.Trace.["decoder.hs"] 1e-4 1e-4
    if name = "cdetr" then check "decoder.reference_points" out.Trace.["decoder.reference_points"] 1e-5 1e-5

/// Relative tolerance of a gradient norm: 1e-4 (the issue's), except where the reference's own float32 noise
/// is larger. Measured for DETR's `backbone.0.body.layer2.0.conv1.weight` (the earliest trained layer, its
/// gradient summed back through 13 bottlenecks): our float64 run gives 44.1006, the float32 reference 44.1633
/// (1.4e-3 apart), ours in float32 44.1202. No float32 implementation can be held to 1e-4 there.
let gradientTolerance (fixture: string) (parameter: string) =
    if fixture = "detr" && parameter.StartsWith "backbone.0.body.layer2." then 2e-3 else 1e-4

[<Theory; MemberData(nameof fixtures)>]
let ``Train-mode loss terms, matches and gradient norms match the reference`` (name: string) =
    let f = byName name
    let compiled = compile f []
    use model = detector f
    use scope = DisposeScope.Enter()
    let inputs, out = forward f model true
    let targets =
        [ for i in 0..1 -> ImageTargets(inputs.[sprintf "targets.%d.labels" i], inputs.[sprintf "targets.%d.boxes" i]) ]
    let criterion = PlanCriterion.Criterion compiled.Plan
    use losses = criterion.Compute(SetPrediction(out.Logits, out.Boxes), [ for l, b in out.Aux -> SetPrediction(l, b) ], targets)
    let check = trainCheck f
    let expected = check.GetProperty "loss_dict_unweighted"
    for term in [ "loss_ce"; "loss_bbox"; "loss_giou"; "loss_ce_0"; "loss_bbox_0"; "loss_giou_0" ] do
        let want = expected.GetProperty(term).GetDouble()
        let got = losses.Terms.[term].Item()
        Assert.True(abs (got - want) <= 1e-4 * abs want, sprintf "%s: %.7g, reference %.7g" term got want)
    Assert.Equal(check.GetProperty("num_boxes").GetDouble(), losses.NumBoxes)
    // Matches: (query, target) pairs per image, as HungarianMatcher returns them.
    let indices = check.GetProperty "matcher_indices"
    for key, ours in [ "final", losses.Indices.["final"]; "aux_0", losses.Indices.["aux_0"] ] do
        for image, reference in indices.GetProperty(key).EnumerateArray() |> Seq.indexed do
            let pairs (q: JsonElement) (t: JsonElement) = Seq.zip (q.EnumerateArray() |> Seq.map _.GetInt32()) (t.EnumerateArray() |> Seq.map _.GetInt32()) |> Set.ofSeq
            let want = pairs reference.[0] reference.[1]
            let got = Seq.zip ours.[image].PredIdx ours.[image].TgtIdx |> Set.ofSeq
            Assert.True((want = got), sprintf "%s image %d: matches %A, reference %A" key image got want)
    let total = check.GetProperty("total_weighted_loss").GetDouble()
    Assert.True(abs (losses.WeightedTotal.Item() - total) <= 1e-4 * total)
    losses.WeightedTotal.Backward()
    let parameters = model.NamedParameters() |> Seq.map (fun struct (n, p) -> n, p) |> Map.ofSeq
    let failures =
        [ for entry in check.GetProperty("grad_norms").EnumerateObject() do
            let p = parameters.[entry.Name]
            let requires = entry.Value.GetProperty("requires_grad").GetBoolean()
            if requires <> p.RequiresGrad then yield sprintf "%s: requires_grad %b, reference %b" entry.Name p.RequiresGrad requires
            elif requires then
                let want = entry.Value.GetProperty("grad_norm").GetDouble()
                let got = p.Grad.Norm().Item()
                let tolerance = gradientTolerance name entry.Name
                if abs (got - want) > tolerance * want then yield sprintf "%s: gradient norm %.7g, reference %.7g (rel %.2g)" entry.Name got want (abs (got - want) / want)
            elif not (isNull p.Grad) then yield sprintf "%s is frozen but has a gradient" entry.Name ]
    Assert.True(failures.IsEmpty, String.concat "\n" failures)

[<Fact>]
let ``ResNet-50 stages match the reference activations`` () =
    use model = detector detr
    use scope = DisposeScope.Enter()
    use _ = LibTorch.NoGrad()
    model.Eval() |> ignore
    let inputs = tensors (path detr "inputs.safetensors")
    let expected = tensors (Detr.Tests.TestPaths.fixture [ "parity"; "shared"; "backbone_outputs.safetensors" ])
    let stages = model.Backbone.Forward(inputs.["images"], [ "c2"; "c3"; "c4"; "c5" ])
    let report =
        [ for (stage, actual), name in List.zip stages [ "body.layer1"; "body.layer2"; "body.layer3"; "body.layer4" ] ->
            stage, maxAbs actual expected.[name], excess 1e-3 1e-3 actual expected.[name] ]
    Assert.True(report |> List.forall (fun (_, _, e) -> e <= 0.0), sprintf "%A" report)
    printfn "%A" report

