/// What every command that runs tensors does first.
module Detr.Cli.TorchSetup

open System
open Detr.Torch

/// libtorch's default thread count is the physical core count, 1 on a 2-vCPU machine with
/// hyper-threading; we use every logical core unless DETR_THREADS says otherwise.
let threadCount () =
    match Environment.GetEnvironmentVariable "DETR_THREADS" |> Option.ofObj |> Option.bind (fun s -> match Int32.TryParse s with | true, n when n > 0 -> Some n | _ -> None) with
    | Some n -> n
    | None -> Environment.ProcessorCount

/// Loads libtorch and sets its intra-op thread count.
let init () = LibTorch.Threads <- threadCount ()
