/// `detr assign --case CASE.json`: runs the assignment rule and losses on given predictions and targets.
module Detr.Cli.Commands.Assign

open Argu
open Detr.Runtime.Losses
open Detr.Runtime.Matching
open Detr.Cli

type AssignArgs =
    | [<Mandatory>] Case of path: string
    | Solver of string
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Case _ -> "JSON shaped like the `inputs` of ../shared/fixtures/loss/*.json cases (config, outputs, targets)"
            | Solver _ -> "host (default) or device: which exact Hungarian solver runs"

let parseSolver =
    function
    | None
    | Some "host" -> SolverKind.Host
    | Some "device" -> SolverKind.Device
    | Some "auto" -> SolverKind.Auto
    | Some other -> failwithf "unknown solver '%s' (host, device or auto)" other

let run (args: ParseResults<AssignArgs>) =
    TorchSetup.init ()
    let solver = parseSolver (args.TryGetResult Solver)
    printfn "%s" (AssignCase.Run(args.GetResult Case, solver))
    0
