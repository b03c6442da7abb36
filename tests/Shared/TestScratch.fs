/// Scratch files and folders of one test process, all under one folder of the system's temp folder that is
/// deleted when the process exits; one left behind by a killed process is deleted by the next test process.
/// (Mirrors TestScratch.cs.)
module Detr.Tests.TestScratch

open System
open System.Diagnostics
open System.IO
open Detr.Tests

let private prefix = "detr-tests-"

/// Folders of test processes that are no longer running.
let private sweepStale () =
    for dir in Directory.GetDirectories(Path.GetTempPath(), prefix + "*") do
        match Int32.TryParse(Path.GetFileName(dir).Substring prefix.Length) with
        | true, pid when pid <> Environment.ProcessId ->
            let alive = try (use _ = Process.GetProcessById pid in true) with :? ArgumentException -> false
            if not alive then try Directory.Delete(dir, true) with _ -> ()
        | _ -> ()

let private root =
    lazy
        (sweepStale ()
         let dir = Path.Combine(Path.GetTempPath(), prefix + string Environment.ProcessId)
         Directory.CreateDirectory dir |> ignore
         AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> try Directory.Delete(dir, true) with _ -> ())
         dir)

/// A path for a file (or folder) named <name> in this process's scratch folder, not created.
let path (name: string) = Path.Combine(root.Value, name)

/// A new, empty folder named <prefix>-<unique>.
let folder (prefix: string) =
    let dir = path (sprintf "%s-%s" prefix (Guid.NewGuid().ToString "N"))
    Directory.CreateDirectory dir |> ignore
    dir
