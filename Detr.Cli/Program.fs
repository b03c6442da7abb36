/// The `detr` command: parses the command line and dispatches to one module per command.
/// Errors reach the user as one clear message and exit code 1, never a stack trace
/// (set DETR_DEBUG=1 to see one).
module Detr.Cli.Program

open System
open Argu
open Detr.Cli.Commands

[<HelpFlags("--help", "-h")>]
type DetrArgs =
    | [<CliPrefix(CliPrefix.None)>] Check of ParseResults<SpecCommands.CheckArgs>
    | [<CliPrefix(CliPrefix.None)>] Show of ParseResults<SpecCommands.ShowArgs>
    | [<CliPrefix(CliPrefix.None)>] Diff of ParseResults<SpecCommands.DiffArgs>
    | [<CliPrefix(CliPrefix.None)>] Summary of ParseResults<Summary.SummaryArgs>
    | [<CliPrefix(CliPrefix.None)>] Infer of ParseResults<Infer.InferArgs>
    | [<CliPrefix(CliPrefix.None)>] Train of ParseResults<Train.TrainArgs>
    | [<CliPrefix(CliPrefix.None)>] Eval of ParseResults<Eval.EvalArgs>
    | [<CliPrefix(CliPrefix.None)>] Predict of ParseResults<Predict.PredictArgs>
    | [<CliPrefix(CliPrefix.None)>] Doctor of ParseResults<Doctor.DoctorArgs>
    | [<CliPrefix(CliPrefix.None)>] Assign of ParseResults<Assign.AssignArgs>
    | [<CliPrefix(CliPrefix.None)>] Eval_Coco of ParseResults<EvalCoco.EvalCocoArgs>
    | [<CliPrefix(CliPrefix.None)>] Data of ParseResults<Data.DataArgs>
    | [<CliPrefix(CliPrefix.None)>] Bench of ParseResults<Bench.BenchArgs>
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Check _ -> "parse and check a spec file: `ok: MODEL (N parameters)` or file:line:col errors"
            | Show _ -> "print a resolved model in canonical syntax (or a block kind's schema)"
            | Diff _ -> "field-level differences between two models"
            | Summary _ -> "module tree, parameters per component and FLOPs of a compiled model"
            | Infer _ -> "eval-mode forward of a model on a saved batch; outputs dumped as safetensors"
            | Train _ -> "train a spec's model on a COCO-layout dataset or `synthetic`; checkpoints, metrics.jsonl, report.html"
            | Eval _ -> "COCO evaluation of a checkpoint on a dataset's validation split"
            | Predict _ -> "draw and list a checkpoint's detections on image files"
            | Doctor _ -> "report libtorch, BLAS, threads, CUDA and matmul speed"
            | Assign _ -> "run the assignment rule and losses on a case (predictions + targets) and print JSON"
            | Eval_Coco _ -> "COCO bbox evaluation of a results file (pycocotools' numbers)"
            | Data _ -> "datasets: synth (built-in synthetic set), check (validate a COCO-layout dataset)"
            | Bench _ -> "benchmarks: ops, matcher, eval, data, spec, infer, step"

let dispatch (args: ParseResults<DetrArgs>) =
    match args.GetSubCommand() with
    | Check a -> SpecCommands.check a
    | Show a -> SpecCommands.show a
    | Diff a -> SpecCommands.diff a
    | Summary a -> Summary.run a
    | Infer a -> Infer.run a
    | Train a -> Train.run a
    | Eval a -> Eval.run a
    | Predict a -> Predict.run a
    | Doctor a -> Doctor.run a
    | Assign a -> Assign.run a
    | Eval_Coco a -> EvalCoco.run a
    | Data a -> Data.run a
    | Bench a -> Bench.run a

[<EntryPoint>]
let main argv =
    let parser = ArgumentParser.Create<DetrArgs>(programName = "detr")
    try
        dispatch (parser.ParseCommandLine(argv, raiseOnUsage = true))
    with
    | :? ArguParseException as e ->
        // Argu's text already holds the usage; help requested is not an error.
        let isHelp = e.ErrorCode = ErrorCode.HelpText
        (if isHelp then Console.Out else Console.Error).WriteLine e.Message
        if isHelp then 0 else 2
    | e when isNull (Environment.GetEnvironmentVariable "DETR_DEBUG") ->
        eprintfn "error: %s" e.Message
        1
