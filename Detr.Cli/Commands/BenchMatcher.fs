/// `detr bench matcher`: cost + assignment time per batch, against the reference's cross-product pattern
/// measured in the same run and the documented Python figure.
module Detr.Cli.Commands.BenchMatcher

open Argu
open Detr.Torch
open Detr.Runtime.Matching
open Detr.Cli

type BenchMatcherArgs =
    | Batch of int
    | Queries of int
    | Targets of int
    | Classes of int
    | Device of string
    | Solver of string
    | Cost of string
    | Repeats of int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Batch _ -> "images per batch (default 64)"
            | Queries _ -> "queries per image (default 300)"
            | Targets _ -> "targets per image (default 20)"
            | Classes _ -> "class ids (default 91; softmax adds the no-object logit)"
            | Device _ -> "cpu (default) or cuda"
            | Solver _ -> "host (default), device or auto"
            | Cost _ -> "softmax (DETR, default) or focal (Deformable DETR)"
            | Repeats _ -> "timed repetitions; medians are reported (default 20)"

/// DETR's HungarianMatcher at B=64, Q=300, T=20, C=91 on this machine kind (../shared/fixtures/README.md,
/// 1 torch thread): min and median ms per batch.
let documentedReferenceMs = 2043.0, 2489.0

let run (args: ParseResults<BenchMatcherArgs>) =
    TorchSetup.init ()
    let b = args.GetResult(Batch, 64)
    let q = args.GetResult(Queries, 300)
    let t = args.GetResult(Targets, 20)
    let c = args.GetResult(Classes, 91)
    let device = Device.Parse(args.GetResult(BenchMatcherArgs.Device, "cpu"))
    if device.IsCuda && not Cuda.IsAvailable then failwith "CUDA is not available on this machine (see `detr doctor`)"
    let solver = Assign.parseSolver (args.TryGetResult Solver)
    let cost =
        match args.GetResult(Cost, "softmax") with
        | "softmax" -> ClassCost.Softmax
        | "focal" -> ClassCost.Focal
        | other -> failwithf "unknown cost '%s' (softmax or focal)" other
    let repeats = args.GetResult(Repeats, 20)
    let r = MatcherBenchmark.Run(b, q, t, c, cost, solver, device, repeats)
    printfn "matcher: B=%d Q=%d T=%d C=%d, %A cost, %A solver, %O, %d threads, median of %d" b q t c cost solver device LibTorch.Threads repeats
    printfn "  cost [B,Q,T] on device      %8.2f ms" r.CostMs
    printfn "  assignment (exact)          %8.2f ms" r.AssignMs
    printfn "  total per batch             %8.2f ms" r.TotalMs
    printfn "  baseline, same run: reference pattern (cross-product cost [B*Q, sum T], per-image solve)  %8.2f ms  -> %.1fx" r.CrossProductMs r.SpeedupOverCrossProduct
    if (b, q, t, c) = (64, 300, 20, 91) && not device.IsCuda then
        let lo, med = documentedReferenceMs
        printfn "  DETR HungarianMatcher, documented for this machine kind (Python, 1 thread): min %.0f / median %.0f ms -> %.0fx / %.0fx" lo med (lo / r.TotalMs) (med / r.TotalMs)
    0
