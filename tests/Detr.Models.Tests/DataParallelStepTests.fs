/// CPU data parallelism (train.replicas, Detr.Runtime.Training.DataParallelStep): shares of a batch on their
/// own threads give the one-process loss and gradients, repeat bit for bit, and only the first share moves
/// batch norm's running statistics. The step sets libtorch's process-wide thread count, so these run alone.
[<Xunit.Collection(Detr.Tests.GlobalRng.Collection)>]
module Detr.Models.Tests.DataParallelStepTests

open System
open Xunit
open Detr.Dsl
open Detr.Models
open Detr.Runtime.Data
open Detr.Runtime.Matching
open Detr.Runtime.Training
open Detr.Torch
open Detr.Models.Tests.ParityFixture

/// Four images of different sizes padded to 64x64, with 0 to 3 boxes each (one image without any).
let private batchOf (seed: int) =
    let rng = Random(seed)
    let sizes = [| struct (64, 64); struct (48, 64); struct (64, 40); struct (56, 56) |]
    let b, h, w = sizes.Length, 64, 64
    let pixels = Array.init (b * 3 * h * w) (fun _ -> byte (rng.Next 256))
    let mask = Array.init (b * h * w) (fun i -> let img, y, x = i / (h * w), (i / w) % h, i % w in let struct (ih, iw) = sizes.[img] in y >= ih || x >= iw)
    let targets =
        [ for count in [ 2; 3; 0; 1 ] ->
            let labels = Array.init count (fun _ -> int64 (1 + rng.Next 6))
            let boxes = Array.init (count * 4) (fun k -> if k % 4 < 2 then float32 (0.3 + 0.4 * rng.NextDouble()) else float32 (0.1 + 0.3 * rng.NextDouble()))
            ImageTargets(Tensor.From(labels).DetachFromScope(), Tensor.From(boxes, int64 count, 4L).DetachFromScope()) ]
    new Batch(
        Pixels = Tensor.From(pixels, int64 b, 3L, int64 h, int64 w).DetachFromScope(),
        Mask = Tensor.From(mask, int64 b, int64 h, int64 w).DetachFromScope(),
        Targets = targets,
        ImageIds = Array.init b int64,
        OriginalSizes = sizes,
        Sizes = sizes,
        Indices = Array.init b id)

let private spec file model overrides = { Folder = ""; Spec = file; Model = model; Overrides = overrides }

/// The gradients of every trainable parameter (zeros where there is none), copied out.
let private gradients (trainable: Tensor seq) =
    [ for p in trainable -> match p.Grad with null -> Tensor.ZerosLike(p).DetachFromScope() | g -> g.Clone().DetachFromScope() ]

/// One process: forward, the plan's losses and backward over the whole batch; the weighted terms and gradients.
let private oneProcess (model: Detector) (plan: Plan) criterion (trainable: Tensor list) (batch: Batch) =
    use scope = DisposeScope.Enter()
    for p in trainable do p.ZeroGrad()
    let struct (images, mask) = batch.ImagesOn Device.Cpu
    let output = model.Forward(images, mask)
    use losses = PlanCriterion.Losses(criterion, plan, output, batch, Device.Cpu)
    losses.WeightedTotal.Backward()
    let values = [ for KeyValue(name, t) in losses.Terms do let w = criterion.Weight name in if w.HasValue then yield name, t.Item() * w.Value ]
    Map.ofList (("loss", losses.WeightedTotal.Item()) :: values), gradients trainable

let private replicated (step: DataParallelStep) (trainable: Tensor list) (batch: Batch) =
    use scope = DisposeScope.Enter()
    for p in trainable do p.ZeroGrad()
    let values = step.Run(batch, Device.Cpu)
    values |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq, gradients trainable

let private build (f: Fixture) =
    LibTorch.ManualSeed 11UL
    let compiled = ParityFixture.compile f []
    let model = Compiler.build compiled
    model.Train() |> ignore
    let struct (_, trainable) = PlanOptimizer.AdamW(model, compiled.Plan.Train)
    compiled.Plan, model, List.ofSeq trainable

/// Focal and ATSS terms (the main job's model), softmax cross-entropy (DETR), and H-DETR's one-to-many group,
/// each with frozen batch norm so that one process and two replicas compute the same function.
[<Theory>]
[<InlineData("specs/co_conditional_detr_tiny.detr", "co_conditional_detr_tiny")>]
[<InlineData("specs/detr_tiny.detr", "detr_tiny")>]
[<InlineData("specs/h_conditional_detr_tiny.detr", "h_conditional_detr_tiny")>]
let ``Two replicas give the one-process loss terms and gradients`` (file: string, model: string) =
    let previous = LibTorch.Threads
    use scope = DisposeScope.Enter()
    let plan, detector, trainable = build (spec file model [ "backbone.frozen_bn=true"; "train.replicas=2" ])
    use _ = detector
    use batch = batchOf 3
    let criterion = PlanCriterion.Criterion plan
    let expectedValues, expectedGrads = oneProcess detector plan criterion trainable batch
    let values, grads =
        use step = new DataParallelStep(detector, plan, criterion, trainable, 2)
        replicated step trainable batch
    Assert.Equal(previous, LibTorch.Threads)                                    // restored when the step is disposed
    Assert.Equal<string>(expectedValues |> Map.keys, values |> Map.keys)
    for KeyValue(name, expected) in expectedValues do
        Assert.True(abs (values.[name] - expected) <= 1e-4 * max 1.0 (abs expected), sprintf "%s: %g, one process %g" name values.[name] expected)
    for (p, (expected, actual)) in List.zip [ 0 .. trainable.Length - 1 ] (List.zip expectedGrads grads) do
        let scale = max 1e-3 (expected.Abs().Max().Item())
        Assert.True(expected.AllClose(actual, 1e-3, 1e-4 * scale), sprintf "parameter %d: gradients differ by %g (largest %g)" p ((expected - actual).Abs().Max().Item()) scale)

[<Fact>]
let ``Replicated steps repeat bit for bit, and only the first share moves the running statistics`` () =
    use scope = DisposeScope.Enter()
    let f = spec "specs/co_conditional_detr_tiny.detr" "co_conditional_detr_tiny" [ "train.replicas=2" ]
    let plan, detector, trainable = build f
    use _ = detector
    use batch = batchOf 5
    let criterion = PlanCriterion.Criterion plan
    let runningMean () = (detector.NamedBuffers() |> Seq.pick (fun struct (n, b) -> if n = "backbone.0.body.bn1.running_mean" then Some b else None)).Clone()
    let before = runningMean ()
    use step = new DataParallelStep(detector, plan, criterion, trainable, 2)
    let values1, grads1 = replicated step trainable batch
    let afterOne = runningMean ()
    let values2, grads2 = replicated step trainable batch
    Assert.Equal<Map<string, float>>(values1, values2)
    for (a, b) in List.zip grads1 grads2 do
        Assert.True(a.Eq(b).All().Item() = 1.0, "gradients of two identical replicated steps differ")
    // The first share alone (images 0 and 1), run through batch norm from the same statistics, moves them as the step did.
    let bn = detector.NamedBuffers() |> Seq.pick (fun struct (n, b) -> if n = "backbone.0.body.bn1.running_mean" then Some b else None)
    use noGrad = LibTorch.NoGrad()
    bn.CopyFrom(before) |> ignore
    let struct (images, mask) = batch.ImagesOn Device.Cpu
    detector.Forward(images.Narrow(0, 0L, 2L), mask.Narrow(0, 0L, 2L)) |> ignore
    Assert.True((runningMean ()).AllClose(afterOne, 1e-6, 1e-7), "the running mean is not the first share's update")
    Assert.False(before.AllClose(afterOne, 0.0, 1e-6), "the step left the running mean unchanged")
