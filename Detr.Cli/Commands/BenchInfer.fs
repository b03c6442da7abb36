/// `detr bench infer`: eval-mode forward passes of a spec's model at a given batch and image size:
/// images/s, time per batch and peak memory (process RSS on CPU, the caching allocator's peak on CUDA).
/// The baseline in the same run is the backbone alone on the same batch, so the transformer's share shows.
module Detr.Cli.Commands.BenchInfer

open System
open System.Diagnostics
open System.IO
open Argu
open Detr.Cli
open Detr.Dsl
open Detr.Torch

type BenchInferArgs =
    | [<MainCommand; Mandatory>] File of path: string
    | Model of name: string
    | Set of assignment: string
    | Size of hxw: string
    | Batch of images: int
    | Repeats of count: int
    | Device of device: string
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "spec file (.detr)"
            | Model _ -> "model (needed when the file declares several)"
            | Set _ -> "override a field, as `path=value` (repeatable)"
            | Size _ -> "image size HxW (default 800x1333)"
            | Batch _ -> "images per batch (default 1)"
            | Repeats _ -> "timed forward passes after one warm-up; the median is reported (default 5)"
            | Device _ -> "cpu (default) or cuda[:N]"

/// Peak resident set of this process (VmHWM), bytes; 0 where /proc is absent.
let peakRss () =
    try
        File.ReadAllLines "/proc/self/status"
        |> Array.tryFind (fun l -> l.StartsWith "VmHWM:")
        |> Option.map (fun l -> int64 (l.Split(' ', StringSplitOptions.RemoveEmptyEntries).[1]) * 1024L)
        |> Option.defaultValue 0L
    with _ -> 0L

let private median (xs: float list) = (List.sort xs).[xs.Length / 2]

let run (args: ParseResults<BenchInferArgs>) =
    TorchSetup.init ()
    try
        let compiled = ModelLoading.compile (args.GetResult File) (args.TryGetResult Model) (args.GetResults Set)
        let h, w = Summary.parseSize (args.GetResult(Size, defaultValue = "800x1333"))
        let batch = args.GetResult(Batch, defaultValue = 1)
        let repeats = max 1 (args.GetResult(Repeats, defaultValue = 5))
        let device = Device.Parse(args.GetResult(Device, defaultValue = "cpu"))
        let rssBefore = peakRss ()
        use detector = Compiler.build compiled
        detector.To(device).Eval() |> ignore
        use _ = LibTorch.NoGrad()
        LibTorch.ManualSeed 0UL
        let images = Tensor.Randn([| int64 batch; 3L; int64 h; int64 w |]).To(device)
        let mask = Tensor.Zeros([| int64 batch; int64 h; int64 w |], DType.Bool).To(device)
        let sync () = if device.IsCuda then Cuda.Synchronize()
        let time (f: unit -> unit) =
            f (); sync ()                                   // warm-up: allocator, kernels, JIT tiers
            [ for _ in 1 .. repeats ->
                let sw = Stopwatch.StartNew()
                f (); sync ()
                sw.Elapsed.TotalMilliseconds ]
            |> median
        let full = time (fun () -> use _ = DisposeScope.Enter() in detector.Forward(images, mask) |> ignore)
        let backbone = time (fun () -> use _ = DisposeScope.Enter() in detector.Backbone.Forward(images, [ compiled.Detector.Stage ]) |> ignore)
        let peak = if device.IsCuda then (let struct (_, p) = Cuda.MemoryStats(device.Index) in p) else peakRss ()
        printfn "%s: batch %d x %dx%d, %s, %d threads, median of %d" compiled.Name batch h w (string device) LibTorch.Threads repeats
        printfn "  forward (eval, no grad)   %9.1f ms/batch   %7.2f images/s" full (float batch * 1000.0 / full)
        printfn "  baseline, same run: backbone alone %9.1f ms/batch   (%.0f%% of the forward)" backbone (100.0 * backbone / full)
        if device.IsCuda then printfn "  peak memory               %9.1f MiB (CUDA allocator)" (float peak / 1048576.0)
        else printfn "  peak memory               %9.1f MiB RSS (%.1f MiB before the model was built)" (float peak / 1048576.0) (float rssBefore / 1048576.0)
        0
    with ModelLoading.SpecFailed -> 1
