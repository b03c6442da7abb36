/// `detr bench step`: one training step of a spec's model split into its phases — data (waiting for the
/// loader's next batch), forward, matching, loss, backward, optimizer (clip + the recipe's AdamW) — so the slowest part
/// is visible (with train.replicas > 1: data, the replicas' parallel forward-to-gradients, optimizer). The data comes from the synthetic dataset resized to the requested size, targets included.
module Detr.Cli.Commands.BenchStep

open System
open System.Diagnostics
open Argu
open Detr.Cli
open Detr.Dsl
open Detr.Runtime.Data
open Detr.Runtime.Data.Transforms
open Detr.Runtime.Matching
open Detr.Runtime.Training
open Detr.Torch
open Detr.Torch.Optim

type BenchStepArgs =
    | [<MainCommand; Mandatory>] File of path: string
    | Model of name: string
    | Set of assignment: string
    | Batch of images: int
    | Size of hxw: string
    | Steps of count: int
    | Device of device: string
    | Profile of operators: int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "spec file (.detr)"
            | Model _ -> "model (needed when the file declares several)"
            | Set _ -> "override a field, as `path=value` (repeatable)"
            | Batch _ -> "images per batch (default: the recipe's)"
            | Size _ -> "image size HxW (default 512x512)"
            | Steps _ -> "timed steps after two warm-up steps; medians are reported (default 5)"
            | Device _ -> "cpu (default) or cuda[:N]"
            | Profile _ -> "after the timed steps, run one more under libtorch's operator profiler and list this many operators by self time"

let run (args: ParseResults<BenchStepArgs>) =
    TorchSetup.init ()
    try
        let compiled = ModelLoading.compile (args.GetResult File) (args.TryGetResult Model) (args.GetResults Set)
        let plan = compiled.Plan
        let h, w = Summary.parseSize (args.GetResult(Size, defaultValue = "512x512"))
        let batchSize = args.GetResult(Batch, defaultValue = plan.Train.Batch)
        let steps = max 1 (args.GetResult(Steps, defaultValue = 5))
        let device = Device.Parse(args.GetResult(Device, defaultValue = "cpu"))
        let sync () = if device.IsCuda then Cuda.Synchronize()
        LibTorch.ManualSeed 0UL
        use model = Compiler.build compiled
        model.To(device).Train() |> ignore
        let struct (optimizer, trainable) = PlanOptimizer.AdamW(model, plan.Train)
        use _ = optimizer
        let criterion = PlanCriterion.Criterion plan
        let dataset = CocoDataset.FromLayout(DataSource.root "synthetic", "train")
        // Every image resized so that it fills HxW (the synthetic images are square; H = W gives exactly HxW).
        let transform = RandomResize([| min h w |], max h w)
        let loader = DataLoader(dataset, transform, LoaderOptions(batchSize, true, 0, plan.Train.Workers))
        // With train.replicas > 1 the shares run forward, matching, loss and backward at once on their threads:
        // one phase, "replicas".
        let replicas = if plan.Train.Replicas > 1 then Some(new DataParallelStep(model, plan, criterion, trainable, plan.Train.Replicas)) else None
        use _ = Option.toObj replicas
        let phases =
            match replicas with
            | Some _ -> [ "data"; "replicas"; "optimizer" ]
            | None -> [ "data"; "forward"; "matching"; "loss"; "backward"; "optimizer" ]
        let samples = Collections.Generic.Dictionary<string, ResizeArray<float>>()
        for p in phases do samples.[p] <- ResizeArray()
        let batches = loader.Epoch(0).GetEnumerator()
        let profiled = args.TryGetResult Profile
        let mutable profile = None
        for i in 1 .. steps + 2 + (if profiled.IsSome then 1 else 0) do
            let time (f: unit -> 'a) =
                let sw = Stopwatch.StartNew()
                let r = f ()
                sync ()
                r, sw.Elapsed.TotalMilliseconds
            let batch, data = time (fun () -> (if not (batches.MoveNext()) then failwith "the synthetic set ran out of batches"); batches.Current)
            use _ = batch
            use scope = DisposeScope.Enter()
            let replicatedStep (step: DataParallelStep) =
                let (), parallel = time (fun () -> optimizer.ZeroGrad(); step.Run(batch, device) |> ignore)
                let (), update = time (fun () -> step.ClipAndStep(optimizer, plan.Train.Clip))
                [ parallel; update ]
            let singleStep () =
                let output, forward = time (fun () -> let struct (images, mask) = batch.ImagesOn device in model.Forward(images, mask))
                let losses, criterionMs = time (fun () -> PlanCriterion.Losses(criterion, plan, output, batch, device))
                use _ = losses
                let (), backward = time (fun () -> optimizer.ZeroGrad(); losses.WeightedTotal.Backward())
                let (), step = time (fun () -> PlanOptimizer.ClipAndStep(optimizer, trainable, plan.Train.Clip))
                [ forward; losses.MatchTime.TotalMilliseconds; criterionMs - losses.MatchTime.TotalMilliseconds; backward; step ]
            let trainingStep () = match replicas with Some r -> replicatedStep r | None -> singleStep ()
            if i > steps + 2 then
                profile <- Some(OperatorProfile.Record(fun () -> trainingStep () |> ignore))
            else
                let timings = trainingStep ()
                if i > 2 then
                    for p, v in List.zip phases (data :: timings) do samples.[p].Add v
        batches.Dispose()
        let median (xs: ResizeArray<float>) = (Seq.sort xs |> Array.ofSeq).[xs.Count / 2]
        let total = phases |> List.sumBy (fun p -> median samples.[p])
        let threads = match replicas with Some r -> sprintf "%d replicas of 1 thread" r.Replicas | None -> sprintf "%d threads" LibTorch.Threads
        printfn "%s: training step, batch %d x %dx%d, %s, %s, median of %d steps" compiled.Name batchSize h w (string device) threads steps
        for p in phases do
            let m = median samples.[p]
            printfn "  %-10s %9.1f ms  %5.1f%%" p m (100.0 * m / total)
        printfn "  %-10s %9.1f ms  (sum of the medians)" "total" total
        printfn "  slowest: %s" (phases |> List.maxBy (fun p -> median samples.[p]))
        match profile, profiled with
        | Some profile, Some top ->
            printfn "one more step under libtorch's operator profiler (slower than unprofiled): %d operator calls, %.1f ms of operator self time" profile.Calls profile.SelfMs
            printfn "  %-44s %7s %10s %7s %10s" "operator" "calls" "self ms" "self %" "total ms"
            for r in profile.Rows |> Seq.truncate top do
                printfn "  %-44s %7d %10.1f %6.1f%% %10.1f" r.Name r.Calls r.SelfMs (100.0 * r.SelfMs / profile.SelfMs) r.TotalMs
        | _ -> ()
        0
    with ModelLoading.SpecFailed -> 1
