/// `detr train`: trains a spec's model on a COCO-layout dataset (or the synthetic one), with a live progress
/// display on a terminal and one plain line per interval otherwise; ends with the COCO stats and the report.
module Detr.Cli.Commands.Train

open System
open System.IO
open System.Runtime.InteropServices
open System.Threading
open Argu
open Spectre.Console
open Detr.Cli
open Detr.Runtime.Training
open Detr.Torch

type TrainArgs =
    | [<MainCommand; Mandatory>] File of path: string
    | Model of name: string
    | Set of assignment: string
    | [<Mandatory>] Data of dir: string
    | Out of dir: string
    | Device of device: string
    | Resume
    | Weights of path: string
    | Weights_Partial
    | Train_Ann of path: string
    | Val_Ann of path: string
    | Train_Images of dir: string
    | Val_Images of dir: string
    | Log_Every of steps: int
    | Keep of checkpoints: int
    | On_Bad_Image of policy: string
    | [<Hidden>] Poison_Step of step: int
    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "spec file (.detr)"
            | Model _ -> "model (needed when the file declares several)"
            | Set _ -> "override a field, as `path=value` (repeatable), e.g. --set train.epochs=10"
            | Data _ -> "dataset folder in COCO's layout, or `synthetic` (generated once into .cache/)"
            | Out _ -> "run folder (default runs/MODEL-TIMESTAMP; with --resume, the newest runs/MODEL-*)"
            | Device _ -> "cpu (default) or cuda[:N]"
            | Resume -> "continue from the run folder's latest checkpoint"
            | Weights _ -> "initial weights (.safetensors/.pth, repeatable), strict unless --weights-partial"
            | Weights_Partial -> "load what matches and report the rest (backbone-only files, other classes)"
            | Train_Ann _ -> "training annotation file (default annotations/instances_train2017.json)"
            | Val_Ann _ -> "validation annotation file (default annotations/instances_val2017.json)"
            | Train_Images _ -> "training image folder (default train2017/)"
            | Val_Images _ -> "validation image folder (default val2017/)"
            | Log_Every _ -> "a metrics.jsonl record (and a plain progress line) every this many steps (default 10)"
            | Keep _ -> "epoch checkpoints kept besides best.safetensors (default 2)"
            | On_Bad_Image _ -> "skip (default: log the file once, count it, use the next sample) or fail"
            | Poison_Step _ -> "test hook: make the loss of this step NaN"

let private terms (values: Collections.Generic.IReadOnlyDictionary<string, float>) =
    [ "loss_ce"; "loss_bbox"; "loss_giou" ]
    |> List.choose (fun k -> match values.TryGetValue k with | true, v -> Some(sprintf "%s %.3f" (k.Substring 5) v) | _ -> None)
    |> String.concat " "

let private clock (t: TimeSpan) = if t.TotalHours >= 1.0 then t.ToString(@"h\:mm\:ss") else t.ToString(@"m\:ss")

/// One line per interval: for logs and CI, where there is no terminal.
type PlainObserver(every: int) =
    interface ITrainObserver with
        member _.Started s =
            printfn "training %s: %d epochs from epoch %d, %d batches each, %d trainable parameters, %d train / %d val images%s"
                s.Model s.Epochs (s.StartEpoch + 1) s.BatchesPerEpoch s.Parameters s.TrainImages s.ValImages (if s.Resumed then " (resumed)" else "")
        member _.Step r =
            if r.Step % int64 every = 0L || r.Batch = r.BatchesPerEpoch then
                printfn "epoch %d step %d (batch %d/%d)  loss %.4f  %s  lr %.2g  %.1f img/s  elapsed %s  eta %s"
                    (r.Epoch + 1) r.Step r.Batch r.BatchesPerEpoch r.Loss (terms r.Terms) r.Lr r.ItemsPerSecond (clock r.Elapsed) (clock r.Eta)
        member _.Evaluated e =
            printfn "eval after epoch %d (step %d): AP %.4f  AP50 %.4f  AP75 %.4f%s" e.Epoch e.Step e.Stats.AP (e.Stats.["AP50"]) (e.Stats.["AP75"]) (if e.Best then "  (best)" else "")
        member _.Message m = printfn "%s" m

/// A live progress bar with the loss terms, for terminals.
type LiveObserver(context: ProgressContext) =
    let mutable task: ProgressTask option = None
    let mutable epochs = 1
    interface ITrainObserver with
        member _.Started s =
            epochs <- s.Epochs
            AnsiConsole.MarkupLine(sprintf "training [bold]%s[/]: %d epochs, %d batches each, %d trainable parameters%s"
                                       (Markup.Escape s.Model) s.Epochs s.BatchesPerEpoch s.Parameters (if s.Resumed then " (resumed)" else ""))
            let t = context.AddTask("starting", true, float (s.Epochs * s.BatchesPerEpoch))
            t.Value <- float (s.StartEpoch * s.BatchesPerEpoch)
            task <- Some t
        member _.Step r =
            match task with
            | Some t ->
                t.Value <- float (r.Epoch * r.BatchesPerEpoch + r.Batch)
                t.Description <- Markup.Escape(sprintf "epoch %d/%d step %d  loss %.3f  %s  lr %.1e  %.1f img/s  eta %s" (r.Epoch + 1) epochs r.Step r.Loss (terms r.Terms) r.Lr r.ItemsPerSecond (clock r.Eta))
            | None -> ()
        member _.Evaluated e =
            AnsiConsole.MarkupLine(sprintf "eval after epoch %d: AP [bold]%.4f[/]  AP50 %.4f  AP75 %.4f%s" e.Epoch e.Stats.AP (e.Stats.["AP50"]) (e.Stats.["AP75"]) (if e.Best then "  (best)" else ""))
        member _.Message m = AnsiConsole.MarkupLine(Markup.Escape m)

/// The run folder: --out, or a new runs/MODEL-TIMESTAMP, or with --resume the newest runs/MODEL-*.
let runFolder (out: string option) (model: string) (resume: bool) =
    match out with
    | Some dir -> dir
    | None when resume ->
        let candidates = if Directory.Exists "runs" then Directory.GetDirectories("runs", model + "-*") |> Array.sort else [||]
        if candidates.Length = 0 then failwithf "--resume: no run folder runs/%s-* to resume; give --out RUN" model
        Array.last candidates
    | None -> Path.Combine("runs", sprintf "%s-%s" model (DateTime.Now.ToString "yyyyMMdd-HHmmss"))

let run (args: ParseResults<TrainArgs>) =
    TorchSetup.init ()
    try
        let file, model, sets = args.GetResult File, args.TryGetResult Model, args.GetResults Set
        let compiled, specText = ModelLoading.compileWithText file model sets
        let resume = args.Contains Resume
        let out = runFolder (args.TryGetResult Out) compiled.Name resume
        if not resume && Trainer.Checkpoints(out).Count > 0 then
            failwithf "%s already holds checkpoints: continue it with --resume, or choose another --out" out
        let train, valSet =
            DataSource.splits (args.GetResult Data) (args.TryGetResult Train_Ann) (args.TryGetResult Val_Ann) (args.TryGetResult Train_Images) (args.TryGetResult Val_Images)
        let options =
            TrainOptions(
                OutDir = out,
                Device = Device.Parse(args.GetResult(Device, defaultValue = "cpu")),
                Resume = resume,
                KeepLast = args.GetResult(Keep, defaultValue = 2),
                LogEvery = args.GetResult(Log_Every, defaultValue = 10),
                Weights = ResizeArray(args.GetResults Weights),
                WeightsPartial = args.Contains Weights_Partial,
                OnBadImage =
                    (match args.GetResult(On_Bad_Image, defaultValue = "skip") with
                     | "skip" -> Detr.Runtime.Data.BadImagePolicy.Skip
                     | "fail" -> Detr.Runtime.Data.BadImagePolicy.Fail
                     | other -> failwithf "--on-bad-image %s: skip or fail" other),
                PoisonStep = (args.TryGetResult Poison_Step |> Option.map int64 |> Option.toNullable))
        use stop = new CancellationTokenSource()
        let mutable stoppedBy = 130                                       // the exit status of a stopped run: 128 + signal
        Console.CancelKeyPress.Add(fun e ->
            if not stop.IsCancellationRequested then
                e.Cancel <- true
                eprintfn "stopping after this step (checkpoint first); press Ctrl-C again to abort at once"
                stop.Cancel())
        // SIGTERM (`kill`, a job scheduler's pre-emption notice) stops the same way: checkpoint, then exit. A
        // second one is left to the runtime's default handling, which ends the process at once.
        use _term =
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, fun ctx ->
                if not stop.IsCancellationRequested then
                    ctx.Cancel <- true
                    stoppedBy <- 143
                    eprintfn "SIGTERM: stopping after this step (checkpoint first)"
                    stop.Cancel())
        let plain () = PlainObserver(options.LogEvery) :> ITrainObserver
        let runWith (observer: ITrainObserver) =
            use trainer = new Trainer(compiled, specText, train, valSet, options, observer)
            trainer.Run stop.Token
        let result =
            if Console.IsOutputRedirected || not (isNull (Environment.GetEnvironmentVariable "CI")) then runWith (plain ())
            else
                AnsiConsole.Progress().AutoClear(false).Columns(TaskDescriptionColumn(), ProgressBarColumn(), PercentageColumn(), ElapsedTimeColumn())
                    .Start(fun ctx -> runWith (LiveObserver ctx))
        match Option.ofObj result with
        | Some r when not stop.IsCancellationRequested ->
            printfn "\nCOCO bbox evaluation of %s on %d validation images:" compiled.Name valSet.Count
            for line in r.Stats.Lines() do printfn "%s" line
            printf "\n%s" (Detr.Runtime.Coco.CocoReport.CategoryTable r)
            printfn "run folder: %s" (Path.GetFullPath out)
            printfn "report: %s" (Path.GetFullPath(Path.Combine(out, "report.html")))
            0
        | _ when stop.IsCancellationRequested -> stoppedBy
        | _ -> 0
    with
    | ModelLoading.SpecFailed -> 1
    | :? DivergedException as e -> eprintfn "error: %s" e.Message; 3
