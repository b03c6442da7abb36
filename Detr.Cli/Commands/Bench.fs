/// `detr bench ...`: benchmarks, each reported against a baseline measured in the same run.
module Detr.Cli.Commands.Bench

open Argu

type BenchArgs =
    | [<CliPrefix(CliPrefix.None)>] Ops of ParseResults<BenchOps.BenchOpsArgs>
    | [<CliPrefix(CliPrefix.None)>] Matcher of ParseResults<BenchMatcher.BenchMatcherArgs>
    | [<CliPrefix(CliPrefix.None)>] Eval of ParseResults<BenchEval.BenchEvalArgs>
    | [<CliPrefix(CliPrefix.None)>] Data of ParseResults<BenchData.BenchDataArgs>
    | [<CliPrefix(CliPrefix.None)>] Spec of ParseResults<BenchSpec.BenchSpecArgs>
    | [<CliPrefix(CliPrefix.None)>] Infer of ParseResults<BenchInfer.BenchInferArgs>
    | [<CliPrefix(CliPrefix.None)>] Step of ParseResults<BenchStep.BenchStepArgs>
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Ops _ -> "per-call overhead of the libtorch binding against a C++ loop"
            | Matcher _ -> "matching cost + exact assignment per batch"
            | Eval _ -> "COCO evaluation (load + evaluate + accumulate) on a generated COCO-sized set"
            | Data _ -> "data loader throughput against raw JPEG decoding"
            | Spec _ -> "parse + resolve + check of every shipped spec"
            | Infer _ -> "eval-mode forward passes of a spec's model: images/s and peak memory"
            | Step _ -> "one training step split into data, forward, matching, loss, backward, optimizer"

let run (args: ParseResults<BenchArgs>) =
    match args.GetSubCommand() with
    | Ops a -> BenchOps.run a
    | Matcher a -> BenchMatcher.run a
    | Eval a -> BenchEval.run a
    | Data a -> BenchData.run a
    | Spec a -> BenchSpec.run a
    | Infer a -> BenchInfer.run a
    | Step a -> BenchStep.run a
