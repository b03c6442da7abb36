/// `detr bench ...`: benchmarks, each reported against a baseline measured in the same run.
module Detr.Cli.Commands.Bench

open Argu

type BenchArgs =
    | [<CliPrefix(CliPrefix.None)>] Ops of ParseResults<BenchOps.BenchOpsArgs>
    | [<CliPrefix(CliPrefix.None)>] Matcher of ParseResults<BenchMatcher.BenchMatcherArgs>
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Ops _ -> "per-call overhead of the libtorch binding against a C++ loop"
            | Matcher _ -> "matching cost + exact assignment per batch"

let run (args: ParseResults<BenchArgs>) =
    match args.GetSubCommand() with
    | Ops a -> BenchOps.run a
    | Matcher a -> BenchMatcher.run a
