/// `detr bench ops`: the cost of crossing the managed/native boundary, against the same loop in C++.
module Detr.Cli.Commands.BenchOps

open System.Diagnostics
open Argu
open Detr.Torch
open Detr.Cli

type BenchOpsArgs =
    | Iterations of int
    | Repeats of int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Iterations _ -> "calls per timed loop (default 200000)"
            | Repeats _ -> "timed loops; the fastest is reported (default 5)"

/// Seconds per call of `a + b` on 1-element tensors from managed code, each result disposed
/// as soon as it is made (the pattern of a dispose scope, without its bookkeeping).
let managedAddLoop (a: Tensor) (b: Tensor) (iterations: int) =
    let watch = Stopwatch.StartNew()
    for _ in 1..iterations do
        (a.Add b).Dispose()
    watch.Elapsed.TotalSeconds / float iterations

/// The same through a dispose scope per 1,000 calls (how model code allocates temporaries).
let scopedAddLoop (a: Tensor) (b: Tensor) (iterations: int) =
    let watch = Stopwatch.StartNew()
    let mutable remaining = iterations
    while remaining > 0 do
        use _scope = DisposeScope.Enter()
        for _ in 1 .. min 1000 remaining do
            a.Add b |> ignore
        remaining <- remaining - 1000
    watch.Elapsed.TotalSeconds / float iterations

let run (args: ParseResults<BenchOpsArgs>) =
    TorchSetup.init ()
    let iterations = args.GetResult(Iterations, defaultValue = 200_000)
    let repeats = args.GetResult(Repeats, defaultValue = 5)
    use a = Tensor.From [| 1.0f |]
    use b = Tensor.From [| 2.0f |]
    managedAddLoop a b 20_000 |> ignore // JIT, tiering and allocator warm-up
    scopedAddLoop a b 20_000 |> ignore
    Native.AddLoopSeconds(a, b, 20_000L) |> ignore
    let best f = Seq.init repeats (fun _ -> f ()) |> Seq.min
    let native = best (fun () -> Native.AddLoopSeconds(a, b, int64 iterations) / float iterations)
    let managed = best (fun () -> managedAddLoop a b iterations)
    let scoped = best (fun () -> scopedAddLoop a b iterations)
    let us (s: float) = s * 1e6
    printfn "add of two 1-element float32 tensors, %d calls x %d loops, fastest loop" iterations repeats
    printfn "  C++ loop in the shim      %7.3f us/call   (baseline)" (us native)
    printfn "  C# call + Dispose         %7.3f us/call   %.2fx   overhead %.3f us" (us managed) (managed / native) (us (managed - native))
    printfn "  C# call in DisposeScope   %7.3f us/call   %.2fx   overhead %.3f us" (us scoped) (scoped / native) (us (scoped - native))
    0
