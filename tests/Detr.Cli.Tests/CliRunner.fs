/// Runs `./detr` the way users and outside tools do, capturing exit code and output.
module Detr.Cli.Tests.CliRunner

open System.Diagnostics
open Detr.Tests

type CliResult = { ExitCode: int; Out: string; Err: string }

/// Runs `./detr args...` from the repository root (it builds whatever is stale first).
let detr (args: string list) =
    let info = ProcessStartInfo(System.IO.Path.Combine(TestPaths.root, "detr"))
    for a in args do info.ArgumentList.Add a
    info.WorkingDirectory <- TestPaths.root
    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    use p = Process.Start info
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    p.WaitForExit()
    { ExitCode = p.ExitCode; Out = out.Result; Err = err.Result }
