/// Issue #8: training through the CLI as users run it — exact resume, kill -9 at random moments, divergence,
/// the metrics.jsonl schema, report.html in headless Chromium, flat memory. They run alone (the memory test
/// reads the process's resident memory; MachineToThemselves.fs).
[<Xunit.Collection(Detr.Cli.Tests.MachineToThemselves.Collection)>]
module Detr.Cli.Tests.TrainTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open System.Threading
open Xunit
open Detr.Tests
open Detr.Torch
open Detr.Torch.Serialization
open Detr.Cli.Tests.CliRunner

/// A small synthetic dataset of 64 px images, made once per test run.
let private synth (train: int) =
    lazy
        (let dir = TestScratch.path (sprintf "detr-train-data-%s" (Guid.NewGuid().ToString("N")))
         let r = detr [ "data"; "synth"; "--out"; dir; "--train"; string train; "--val"; "4"; "--size"; "64"; "--seed"; "3" ]
         if r.ExitCode <> 0 then failwithf "data synth failed: %s%s" r.Out r.Err
         dir)

let private dataset = synth 16

/// For the memory test: 256 images, so that an epoch is long enough for warm-up (JIT tiers, allocator
/// pools) to be over by the end of epoch 2, as it is in any real run.
let private larger = synth 256

/// Conditional DETR scaled down to milliseconds per step: 4 steps per epoch, one checkpoint per epoch.
let private tinyOn (data: Lazy<string>) (epochs: int) =
    [ "specs/conditional_detr_tiny.detr"; "--data"; data.Value ]
    @ ([ "dim=32"; "queries=10"; "encoder.layers=1"; "decoder.layers=2"; "encoder.ffn=64"; "decoder.ffn=64"
         "backbone.returns=[c4]"; sprintf "train.epochs=%d" epochs; "train.lr_drop=[1000]"; "train.batch=4"; "train.workers=1"
         "train.image_min=[64]"; "train.image_max=64"; "train.crop_resize=[48]"; "train.crop_min=32"; "train.crop_max=48"
         "train.val_size=64"; "train.eval_every=1" ]
       |> List.collect (fun s -> [ "--set"; s ]))

let private tiny = tinyOn dataset

let private newRun () = TestScratch.path (sprintf "detr-run-%s" (Guid.NewGuid().ToString("N")))

let private train (args: string list) = detr ("train" :: args)

/// The model tensors of a checkpoint, by name.
let private weightsOf (checkpoint: string) =
    SafeTensors.Load checkpoint
    |> Seq.choose (fun struct (n, t) -> if n.StartsWith "model." then Some(n, t) else (t.Dispose(); None))
    |> Map.ofSeq

let private checkpoints (run: string) =
    if Directory.Exists run then Directory.GetFiles(run, "checkpoint-*.safetensors") |> Array.sort else [||]

/// Starts the CLI binary itself (not the ./detr wrapper, so that a kill never lands in the setup script),
/// handing each line of its output and errors to `line`.
let private startTrainWith (args: string list) (line: string -> unit) =
    let info = ProcessStartInfo(Path.Combine(TestPaths.root, "Detr.Cli", "bin", "Release", "net10.0", "detr"))
    for a in "train" :: args do info.ArgumentList.Add a
    info.WorkingDirectory <- TestPaths.root
    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    info.Environment.["CI"] <- "true"
    let p = Process.Start info
    p.OutputDataReceived.Add(fun e -> if not (isNull e.Data) then line e.Data)
    p.ErrorDataReceived.Add(fun e -> if not (isNull e.Data) then line e.Data)
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    p

let private startTrain (args: string list) = startTrainWith args ignore

/// With train.replicas = 2 too: two threads, each on its share of every batch (DataParallelStep).
let private replicasSet (replicas: int) = [ "--set"; sprintf "train.replicas=%d" replicas ]

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
let ``Two epochs straight and one epoch, a kill, then resume give identical weights`` (replicas: int) =
    let tiny epochs = tiny epochs @ replicasSet replicas
    let straight = newRun ()
    let r = train (tiny 2 @ [ "--out"; straight ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    let resumed = newRun ()
    let p = startTrain (tiny 2 @ [ "--out"; resumed ])
    // Kill as soon as the first epoch's checkpoint exists (somewhere in epoch 2, or just after it).
    let sw = Stopwatch.StartNew()
    while checkpoints(resumed).Length = 0 && not p.HasExited && sw.Elapsed < TimeSpan.FromMinutes 2.0 do Thread.Sleep 20
    if not p.HasExited then p.Kill()
    p.WaitForExit()
    Assert.NotEmpty(checkpoints resumed)
    let r = train (tiny 2 @ [ "--out"; resumed; "--resume" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    let a, b = weightsOf (Array.last (checkpoints straight)), weightsOf (Array.last (checkpoints resumed))
    Assert.Equal<string>(a |> Map.keys, b |> Map.keys)
    for KeyValue(name, t) in a do
        Assert.True(t.Eq(b.[name]).All().Item() = 1.0, sprintf "%s differs after the resume" name)

[<Fact>]
let ``resuming a finished run whose report a kill prevented writes the report`` () =
    // A kill -9 after the last checkpoint and before report.html: the checkpoint says finished.
    let run = newRun ()
    let first = train (tiny 1 @ [ "--out"; run ])
    Assert.True(first.ExitCode = 0, first.Out + first.Err)
    let report = Path.Combine(run, "report.html")
    File.Delete report
    let r = train (tiny 1 @ [ "--out"; run; "--resume" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.True(File.Exists report, r.Out + r.Err)
    Assert.Contains("already finished", r.Out + r.Err)

[<Fact>]
let ``kill -9 at random moments, twenty times, and resume always continues and finishes`` () =
    let run = newRun ()
    let args = tiny 12 @ [ "--out"; run ]
    let random = Random(7)
    let mutable lastStep = -1L
    for attempt in 1..20 do
        let p = startTrain (if attempt = 1 then args else args @ [ "--resume" ])
        Thread.Sleep(300 + random.Next 2500)
        if not p.HasExited then p.Kill()
        p.WaitForExit()
        // Whatever the moment, the newest checkpoint reads back and never goes backwards.
        match checkpoints run |> Array.tryLast with
        | Some newest ->
            let position = JsonDocument.Parse(SafeTensors.Metadata(newest).["position"]).RootElement
            let step = position.GetProperty("Step").GetInt64()
            Assert.True(step >= lastStep, sprintf "attempt %d: checkpoint step went from %d to %d" attempt lastStep step)
            lastStep <- step
        | None -> ()
    let r = train (args @ [ "--resume" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    let records = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")) |> Array.map (fun l -> JsonDocument.Parse(l).RootElement)
    let evals = records |> Array.filter (fun e -> e.GetProperty("kind").GetString() = "eval")
    Assert.Equal(12, evals.Length)                                   // one per epoch, none repeated
    Assert.Equal<int>([ 1..12 ], evals |> Array.map (fun e -> e.GetProperty("epoch").GetInt32()) |> List.ofArray)
    let steps = records |> Array.filter (fun e -> e.GetProperty("kind").GetString() = "train") |> Array.map (fun e -> e.GetProperty("step").GetInt64())
    Assert.Equal<int64>(Array.sort steps, steps)
    Assert.Equal(steps.Length, (Array.distinct steps).Length)
    Assert.True(File.Exists(Path.Combine(run, "report.html")))

/// Sends SIGTERM to a run started with `startTrainWith` and waits for it to stop (a minute at most); returns
/// everything it printed.
let private terminate (p: Process) (output: Collections.Concurrent.ConcurrentQueue<string>) =
    use kill = Process.Start("kill", [ "-TERM"; string p.Id ])
    kill.WaitForExit()
    let stopped = p.WaitForExit 60000
    if not stopped then p.Kill()
    Assert.True(stopped, "the run did not stop after SIGTERM")
    p.WaitForExit()                                                  // the output's last lines
    String.Join("\n", output)

[<Fact>]
let ``SIGTERM mid-run checkpoints, says so, exits 143, and the run resumes from that checkpoint to the end`` () =
    let run = newRun ()
    let args = tiny 12 @ [ "--out"; run ]
    let output = Collections.Concurrent.ConcurrentQueue<string>()
    let p = startTrainWith args (fun line -> output.Enqueue line)
    let sw = Stopwatch.StartNew()
    while checkpoints(run).Length = 0 && not p.HasExited && sw.Elapsed < TimeSpan.FromMinutes 2.0 do Thread.Sleep 20
    Assert.False(p.HasExited, "the run ended before its first checkpoint")
    let text = terminate p output
    Assert.Equal(143, p.ExitCode)
    Assert.Contains("SIGTERM: stopping after this step", text)
    let newest = checkpoints run |> Array.last
    Assert.Contains(sprintf "interrupted: checkpoint written to %s" newest, text)
    let r = train (args @ [ "--resume" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.Contains(sprintf "resuming from %s" newest, r.Out)

/// 16 training and 400 validation images: an evaluation long enough (about a second) to be interrupted.
let private longEvaluation =
    lazy
        (let dir = TestScratch.path (sprintf "detr-train-evalstop-%s" (Guid.NewGuid().ToString("N")))
         let r = detr [ "data"; "synth"; "--out"; dir; "--train"; "16"; "--val"; "400"; "--size"; "64"; "--seed"; "3" ]
         if r.ExitCode <> 0 then failwithf "data synth failed: %s%s" r.Out r.Err
         dir)

[<Fact>]
let ``SIGTERM during the evaluation keeps the epoch's training in a checkpoint, and resume evaluates that epoch first`` () =
    let run = newRun ()
    let args = tinyOn longEvaluation 3 @ [ "--out"; run; "--log-every"; "1" ]
    let output = Collections.Concurrent.ConcurrentQueue<string>()
    let lastStepOfEpoch1 = new ManualResetEventSlim()
    let p = startTrainWith args (fun line -> output.Enqueue line; if line.Contains "(batch 4/4)" then lastStepOfEpoch1.Set())
    // The line is printed after the epoch's last step, just before its evaluation of 400 images starts.
    Assert.True(lastStepOfEpoch1.Wait(TimeSpan.FromMinutes 2.0), "no last step of epoch 1")
    let text = terminate p output
    Assert.Equal(143, p.ExitCode)
    let checkpoint = Path.Combine(run, "checkpoint-00000004.safetensors")
    Assert.Contains(sprintf "interrupted: checkpoint written to %s; continue with --resume (it evaluates epoch 1 first)" checkpoint, text)
    let r = train (args @ [ "--resume" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.Contains(sprintf "resuming from %s (epoch 1, batch 4, step 4)" checkpoint, r.Out)
    let evals =
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))
        |> Array.map (fun l -> JsonDocument.Parse(l).RootElement)
        |> Array.filter (fun e -> e.GetProperty("kind").GetString() = "eval")
    Assert.Equal<int>([ 1; 2; 3 ], evals |> Array.map (fun e -> e.GetProperty("epoch").GetInt32()) |> List.ofArray)

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
let ``A non-finite loss stops with the step and the terms, leaving a loadable last checkpoint`` (replicas: int) =
    let tiny epochs = tiny epochs @ replicasSet replicas
    let run = newRun ()
    let r = train (tiny 3 @ [ "--out"; run; "--poison-step"; "6" ])
    Assert.Equal(3, r.ExitCode)
    Assert.Contains("step 6: the loss is not finite", r.Err)
    Assert.Contains("last good checkpoint is", r.Err)
    let last = Array.last (checkpoints run)
    Assert.Contains(last, r.Err)
    let e = detr ([ "eval" ] @ tiny 3 @ [ "--checkpoint"; last; "--json" ])
    Assert.True(e.ExitCode = 0, e.Out + e.Err)
    Assert.Equal(12, JsonDocument.Parse(e.Out).RootElement.GetProperty("stats").GetArrayLength())

[<Fact>]
let ``Skipping non-finite steps counts them and finishes`` () =
    let run = newRun ()
    let r = train (tiny 2 @ [ "--out"; run; "--poison-step"; "3"; "--set"; "train.skip_nonfinite=true" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.Contains("step 3: loss not finite, step skipped (1 so far)", r.Out)

let private statNames = [ "AP"; "AP50"; "AP75"; "APs"; "APm"; "APl"; "AR1"; "AR10"; "AR100"; "ARs"; "ARm"; "ARl" ]

[<Fact>]
let ``metrics.jsonl records follow the schema, eval and memory records included`` () =
    let run = newRun ()
    let r = train (tinyOn larger 10 @ [ "--out"; run; "--log-every"; "8"; "--set"; "train.batch=8" ])   // 32 steps an epoch
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    let records = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")) |> Array.map (fun l -> JsonDocument.Parse(l).RootElement)
    let number (e: JsonElement) (key: string) =
        let v = e.GetProperty key
        Assert.True(v.ValueKind = JsonValueKind.Number, sprintf "%s is %A" key v.ValueKind)
        v.GetDouble()
    for e in records do
        let kind = e.GetProperty("kind").GetString()
        number e "epoch" |> ignore
        number e "step" |> ignore
        match kind with
        | "train" -> for k in [ "lr"; "loss"; "loss_ce"; "loss_bbox"; "loss_giou"; "loss_ce_0"; "images_per_s"; "rss_mb" ] do number e k |> ignore
        | "eval" -> for k in statNames do Assert.InRange(number e k, -1.0, 1.0)
        | "epoch" -> for k in [ "seconds"; "rss_mb"; "live_tensors" ] do number e k |> ignore
        | other -> failwithf "unknown record kind %s" other
    let evals = records |> Array.filter (fun e -> e.GetProperty("kind").GetString() = "eval")
    Assert.Equal(10, evals.Length)
    // Memory stays flat: resident memory after epoch 10 within 5% of after epoch 2, live tensors constant.
    let epochs = records |> Array.filter (fun e -> e.GetProperty("kind").GetString() = "epoch")
    let at n = epochs |> Array.find (fun e -> e.GetProperty("epoch").GetInt32() = n)
    let rss2, rss10 = number (at 2) "rss_mb", number (at 10) "rss_mb"
    let all = epochs |> Array.map (fun e -> sprintf "%.1f" (number e "rss_mb")) |> String.concat ", "
    Assert.True(abs (rss10 - rss2) <= 0.05 * rss2, sprintf "RSS %.1f MiB after epoch 2, %.1f MiB after epoch 10 (epochs 1..10: %s MiB)" rss2 rss10 all)
    Assert.Equal(number (at 2) "live_tensors", number (at 10) "live_tensors")

[<Fact>]
let ``A hybrid-matching spec trains its one-to-many group beside the one-to-one queries and evaluates without it`` () =
    let run = newRun ()
    let args = tinyOn dataset 1 |> List.map (fun a -> if a = "specs/conditional_detr_tiny.detr" then "specs/h_conditional_detr_tiny.detr" else a)
    let r = train (args @ [ "--out"; run; "--log-every"; "1"; "--set"; "match.queries=20"; "--set"; "match.k=2" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    let records = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")) |> Array.map (fun l -> JsonDocument.Parse(l).RootElement)
    let trainRecord = records |> Array.find (fun e -> e.GetProperty("kind").GetString() = "train")
    for k in [ "loss_ce_one2many"; "loss_bbox_one2many"; "loss_giou_one2many"; "loss_ce_0_one2many" ] do
        Assert.True(trainRecord.GetProperty(k).GetDouble() > 0.0, k)
    // The logged total is the sum of every weighted term, the one-to-many ones included.
    let terms =
        trainRecord.EnumerateObject() |> Seq.filter (fun p -> p.Name.StartsWith "loss_") |> Seq.sumBy (fun p -> p.Value.GetDouble())
    Assert.Equal(trainRecord.GetProperty("loss").GetDouble(), terms, 3)
    Assert.Contains(records, fun e -> e.GetProperty("kind").GetString() = "eval")

[<Fact>]
let ``The main job's spec trains Co-DETR's auxiliary ATSS head beside the detector and evaluates without it`` () =
    let run = newRun ()
    let args = tinyOn dataset 1 |> List.map (fun a -> if a = "specs/conditional_detr_tiny.detr" then "specs/co_conditional_detr_tiny.detr" else a)
    let r = train (args @ [ "--out"; run; "--log-every"; "1" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    let records = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")) |> Array.map (fun l -> JsonDocument.Parse(l).RootElement)
    let trainRecord = records |> Array.find (fun e -> e.GetProperty("kind").GetString() = "train")
    for k in [ "loss_atss_cls"; "loss_atss_bbox"; "loss_atss_centerness" ] do
        Assert.True(trainRecord.GetProperty(k).GetDouble() > 0.0, k)
    // The logged total is the sum of every weighted term, the auxiliary head's included.
    let terms =
        trainRecord.EnumerateObject() |> Seq.filter (fun p -> p.Name.StartsWith "loss_") |> Seq.sumBy (fun p -> p.Value.GetDouble())
    Assert.Equal(trainRecord.GetProperty("loss").GetDouble(), terms, 3)
    Assert.Contains(records, fun e -> e.GetProperty("kind").GetString() = "eval")

/// Headless Chromium from Debian (`chromium`), installed by the test setup.
let private chromium () =
    [ "/usr/bin/chromium"; "/usr/bin/chromium-browser"; "/usr/bin/google-chrome" ] |> List.tryFind File.Exists

[<Fact>]
let ``report.html renders in headless Chromium with non-empty plots and drawn predictions`` () =
    let run = newRun ()
    let r = train (tiny 2 @ [ "--out"; run; "--log-every"; "1" ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    let report = Path.Combine(run, "report.html")
    let html = File.ReadAllText report
    Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""))   // self-contained
    Assert.True(Text.RegularExpressions.Regex.Matches(html, "<polyline").Count >= 3, "loss, AP and lr curves")
    Assert.Contains("data:image/jpeg;base64,", html)
    let browser = chromium () |> Option.defaultWith (fun () -> failwith "chromium is not installed (scripts/setup.sh --all installs it)")
    let png = Path.Combine(run, "report.png")
    let info = ProcessStartInfo(browser)
    for a in [ "--headless"; "--no-sandbox"; "--disable-gpu"; "--hide-scrollbars"; sprintf "--screenshot=%s" png; "--window-size=1280,1800"; "file://" + report ] do
        info.ArgumentList.Add a
    info.RedirectStandardError <- true
    info.RedirectStandardOutput <- true
    use p = Process.Start info
    p.StandardError.ReadToEndAsync() |> ignore
    p.StandardOutput.ReadToEndAsync() |> ignore
    Assert.True(p.WaitForExit 120000, "chromium did not finish in 2 minutes")
    Assert.True(File.Exists png, "no screenshot")
    let image = Detr.Runtime.Imaging.PngCodec.Decode(File.ReadAllBytes png, png)
    // The loss curves are drawn in the chart palette's first colours (#1f77b4, #d62728): count those pixels.
    let mutable blue, red = 0, 0
    for y in 0 .. image.Height - 1 do
        for x in 0 .. image.Width - 1 do
            let px = image.Pixel(x, y)
            if abs (int px.[0] - 0x1f) < 12 && abs (int px.[1] - 0x77) < 12 && abs (int px.[2] - 0xb4) < 12 then blue <- blue + 1
            if abs (int px.[0] - 0xd6) < 12 && abs (int px.[1] - 0x27) < 12 && abs (int px.[2] - 0x28) < 12 then red <- red + 1
    Assert.True(blue > 200 && red > 100, sprintf "plot pixels: %d blue, %d red" blue red)

[<Fact>]
let ``predict draws and lists the detections of a trained checkpoint in COCO's results format`` () =
    let run = newRun ()
    let r = train (tiny 1 @ [ "--out"; run ])
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    let out = Path.Combine(run, "predictions")
    let images = Directory.GetFiles(Path.Combine(dataset.Value, "val2017")) |> Array.sort |> Array.truncate 2 |> List.ofArray
    let spec = tiny 1 |> List.head
    let sets = tiny 1 |> List.skip 3                                   // the --set pairs, without --data
    let names = Path.Combine(dataset.Value, "annotations", "instances_val2017.json")
    let last = Array.last (checkpoints run)
    let p = detr ([ "predict"; spec ] @ images @ sets @ [ "--checkpoint"; last; "--out"; out; "--threshold"; "0.0"; "--names"; names ])
    Assert.True(p.ExitCode = 0, p.Out + p.Err)
    for image in images do
        let stem = Path.GetFileNameWithoutExtension image
        Assert.True(File.Exists(Path.Combine(out, stem + ".pred.jpg")))
        let svg = File.ReadAllText(Path.Combine(out, stem + ".pred.svg"))
        Assert.Contains("<rect", svg)
        Assert.Matches(@"(rectangle|ellipse|triangle|cross)[a-z ]* \d\.\d\d", svg)   // class name and score
    let detections = JsonDocument.Parse(File.ReadAllText(Path.Combine(out, "detections.json"))).RootElement
    Assert.Equal(2 * 30, detections.GetArrayLength())                 // threshold 0: top { k = 30 } of queries x classes, per image
    for d in detections.EnumerateArray() do
        Assert.Equal(4, d.GetProperty("bbox").GetArrayLength())
        Assert.InRange(d.GetProperty("score").GetDouble(), 0.0, 1.0)
        Assert.True(d.GetProperty("image_id").GetInt64() > 0L)
