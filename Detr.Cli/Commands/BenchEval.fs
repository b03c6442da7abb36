/// `detr bench eval`: load + evaluate + accumulate on a generated COCO-sized set, against pycocotools'
/// documented time on this machine kind.
module Detr.Cli.Commands.BenchEval

open System.Diagnostics
open Argu
open Detr.Runtime.Coco

type BenchEvalArgs =
    | Images of int
    | Categories of int
    | Dets of int
    | Seed of int
    | Threads of int
    | Repeats of int
    | Out of dir: string
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Images _ -> "images (default 5000)"
            | Categories _ -> "categories (default 80, COCO's ids)"
            | Dets _ -> "detections per image (default 100)"
            | Seed _ -> "generator seed (default 0)"
            | Threads _ -> "evaluation threads (default 2)"
            | Repeats _ -> "timed repetitions; the fastest is reported with the median (default 3)"
            | Out _ -> "also write the set as gt.json and dets.json into this folder (to time `detr eval-coco` as a whole process)"

/// pycocotools evaluate() + accumulate() on the 5000 x 80 x 100 set (gen_coco_synth.py --seed 0), measured on
/// this machine kind: min and median seconds (../shared/fixtures/README.md).
let documentedPycocotools = 52.8, 59.3

let run (args: ParseResults<BenchEvalArgs>) =
    let images = args.GetResult(Images, 5000)
    let categories = args.GetResult(Categories, 80)
    let perImage = args.GetResult(Dets, 100)
    let threads = args.GetResult(Threads, 2)
    let repeats = args.GetResult(Repeats, 3)
    let struct (gt, dets) = CocoSynthetic.Generate(args.GetResult(Seed, 0), images, categories, 7.0, perImage)
    let gtJson = CocoSynthetic.GroundTruthJson gt
    let detsJson = CocoJson.WriteResults dets
    match args.TryGetResult Out with
    | Some dir ->
        System.IO.Directory.CreateDirectory dir |> ignore
        System.IO.File.WriteAllBytes(System.IO.Path.Combine(dir, "gt.json"), gtJson)
        System.IO.File.WriteAllBytes(System.IO.Path.Combine(dir, "dets.json"), detsJson)
    | None -> ()
    printfn "set: %d images, %d categories, %d ground truths (%d crowd), %d detections; JSON %.1f MB + %.1f MB"
        images categories gt.Annotations.Count (gt.Annotations |> Seq.filter (fun a -> a.IsCrowd) |> Seq.length) dets.Count
        (float gtJson.Length / 1e6) (float detsJson.Length / 1e6)
    let runOnce () =
        let watch = Stopwatch.StartNew()
        let g = CocoJson.ReadGroundTruth(System.ReadOnlySpan gtJson, "gt.json")
        let d = CocoJson.ReadResults(System.ReadOnlySpan detsJson, "dets.json", g)
        let load = watch.Elapsed.TotalSeconds
        let evaluator = CocoEvaluator(g)
        evaluator.AddValidated d
        let result = evaluator.Compute(threads)
        load, result.EvaluateTime.TotalSeconds, result.AccumulateTime.TotalSeconds, watch.Elapsed.TotalSeconds, result
    runOnce () |> ignore // JIT warm-up
    let runs = [ for _ in 1..repeats -> runOnce () ]
    let totals = runs |> List.map (fun (_, _, _, t, _) -> t) |> List.sort
    let best = runs |> List.minBy (fun (_, _, _, t, _) -> t)
    let load, evaluate, accumulate, total, result = best
    let median = totals.[totals.Length / 2]
    printfn "%d threads, fastest of %d (median total %.3f s):" threads repeats median
    printfn "  load JSON (GT + results)   %7.3f s" load
    printfn "  evaluate                   %7.3f s" evaluate
    printfn "  accumulate                 %7.3f s" accumulate
    printfn "  total                      %7.3f s   AP %.4f  AP50 %.4f  AR100 %.4f" total result.Stats.Values.[0] result.Stats.Values.[1] result.Stats.Values.[8]
    if images = 5000 && categories = 80 && perImage = 100 then
        let lo, med = documentedPycocotools
        printfn "  pycocotools evaluate()+accumulate() on the same-sized set, documented for this machine kind: min %.1f s, median %.1f s" lo med
        printfn "  speed-up (ours whole process vs its evaluate+accumulate): %.0fx against its min, %.0fx against its median" (lo / total) (med / median)
    0
