/// `detr doctor`: what this machine gives the framework — libtorch, BLAS, threads, CUDA, speed.
module Detr.Cli.Commands.Doctor

open System
open System.Diagnostics
open System.IO
open Argu
open Detr.Torch
open Detr.Cli

type DoctorArgs =
    | Seconds of float
    | Size of int
    | Demo
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Seconds _ -> "how long to time the matmul (default 1 second)"
            | Size _ -> "matmul size N for N x N x N (default 1024)"
            | Demo -> "also fit a tiny two-layer network with autograd and AdamW, printing the loss"

/// Below this a matmul is running on the reference BLAS (OpenBLAS gives several times more on 2 cores).
let referenceBlasLimitGflops = 20.0

/// The BLAS library libtorch's process has loaded, read from /proc/self/maps and its real path.
let loadedBlas () =
    let mapsPath = "/proc/self/maps"
    if not (File.Exists mapsPath) then None
    else
        File.ReadAllLines mapsPath
        |> Array.choose (fun line ->
            let i = line.IndexOf '/'
            if i < 0 then None else Some(line.Substring i))
        |> Array.filter (fun path -> Path.GetFileName(path).Contains("blas", StringComparison.OrdinalIgnoreCase))
        |> Array.distinct
        |> Array.map (fun path ->
            let real = try FileInfo(path).ResolveLinkTarget(true) |> Option.ofObj |> Option.map (fun f -> f.FullName) with _ -> None
            defaultArg real path)
        |> Array.distinct
        |> Array.tryHead

/// A name for the BLAS at a path: OpenBLAS, MKL, BLIS or the reference (netlib) BLAS.
let blasName (path: string) =
    let p = path.ToLowerInvariant()
    if p.Contains "openblas" then
        if p.Contains "pthread" then "OpenBLAS (pthread)"
        elif p.Contains "openmp" then "OpenBLAS (OpenMP)"
        else "OpenBLAS"
    elif p.Contains "mkl" then "Intel MKL"
    elif p.Contains "blis" then "BLIS"
    elif p.Contains "atlas" then "ATLAS"
    else "reference BLAS (netlib)"

/// GFLOP/s of float32 n x n matmuls repeated for about `seconds`.
let matmulGflops (n: int) (seconds: float) =
    use scope = DisposeScope.Enter()
    let a = Tensor.Randn [| int64 n; int64 n |]
    let b = Tensor.Randn [| int64 n; int64 n |]
    (a.Matmul b).Dispose() // warm-up: thread pool and BLAS start-up
    let watch = Stopwatch.StartNew()
    let mutable iterations = 0
    while watch.Elapsed.TotalSeconds < seconds do
        (a.Matmul b).Dispose()
        iterations <- iterations + 1
    let flops = 2.0 * float n * float n * float n * float iterations
    flops / watch.Elapsed.TotalSeconds / 1e9

/// A small regression y = sin(3x) fitted by a 1-32-1 MLP with autograd and AdamW: shows the whole
/// training path (forward, backward, clipping, optimizer step, dispose scopes) working end to end.
let autogradDemo () =
    LibTorch.ManualSeed 0UL
    use scope = DisposeScope.Enter()
    let w1 = Init.KaimingUniform_(Tensor.Empty [| 32L; 1L |], sqrt 5.0).RequiresGrad_()
    let b1 = Tensor.Zeros [| 32L |] |> fun t -> t.RequiresGrad_()
    let w2 = Init.KaimingUniform_(Tensor.Empty [| 1L; 32L |], sqrt 5.0).RequiresGrad_()
    let b2 = Tensor.Zeros [| 1L |] |> fun t -> t.RequiresGrad_()
    let parameters: Tensor list = [ w1; b1; w2; b2 ]
    use optimizer = new Optim.AdamW(ResizeArray parameters, 1e-2, 0.0)
    let x = (Tensor.Linspace(-1.0, 1.0, 64L)).View(64, 1)
    let y = (x * 3.0).Sin()
    let loss () =
        let hidden = Functional.Relu(Functional.Linear(x, w1, b1))
        Functional.MseLoss(Functional.Linear(hidden, w2, b2), y)
    let first = (loss ()).Item()
    printfn ""
    printfn "autograd demo: fit y = sin(3x) with a 1-32-1 MLP, AdamW lr 1e-2, 600 steps"
    for step in 1..600 do
        use _ = DisposeScope.Enter()
        optimizer.ZeroGrad()
        let l = loss ()
        l.Backward()
        Optim.GradClip.ClipGradNorm(ResizeArray parameters, 1.0) |> ignore
        optimizer.Step()
        if step % 150 = 0 then printfn "  step %4d  loss %.5f" step (l.Item())
    let last = (loss ()).Item()
    printfn "  loss %.5f -> %.5f (%.0fx lower)" first last (first / last)
    if last < first / 10.0 then 0 else 1

let run (args: ParseResults<DoctorArgs>) =
    TorchSetup.init ()
    let seconds = args.GetResult(Seconds, defaultValue = 1.0)
    let n = args.GetResult(Size, defaultValue = 1024)
    printfn "libtorch      %s" LibTorch.Version
    printfn ".NET          %O" Environment.Version
    printfn "threads       %d intra-op (machine has %d cores)" LibTorch.Threads Environment.ProcessorCount
    let blas = loadedBlas ()
    match blas with
    | Some path -> printfn "BLAS          %s (%s)" (blasName path) path
    | None -> printfn "BLAS          none loaded (libtorch built with MKL or its own kernels?)"
    let cudaLine =
        if not Cuda.IsBuiltWithCuda then "not built in (CPU libtorch)"
        elif Cuda.IsAvailable then sprintf "%d device(s)" Cuda.DeviceCount
        else "built in, no device visible"
    printfn "CUDA          %s" cudaLine
    let gflops = matmulGflops n seconds
    printfn "matmul        %.1f GFLOP/s (float32 %dx%d, %.1f s)" gflops n n seconds
    let isReference = blas |> Option.map (blasName >> fun name -> name.StartsWith "reference") |> Option.defaultValue false
    if isReference then
        eprintfn ""
        eprintfn "WARNING: libtorch is using the reference BLAS (matmul %.1f GFLOP/s); OpenBLAS is about 60x faster." gflops
        eprintfn "         Install it:          sudo apt-get install libopenblas0-pthread"
        eprintfn "         and make it default: sudo update-alternatives --config libblas.so.3-x86_64-linux-gnu"
        1
    else
        // A slow figure with OpenBLAS loaded is a busy machine, not a broken setup: warn, and still run the demo.
        if gflops < referenceBlasLimitGflops then
            eprintfn ""
            eprintfn "WARNING: matmul runs at %.1f GFLOP/s, the speed of a reference BLAS, although %s is loaded." gflops (blas |> Option.map blasName |> Option.defaultValue "no BLAS")
            eprintfn "         Is the machine busy? Run `detr doctor` again on a quiet machine."
        if args.Contains Demo then autogradDemo () else 0
