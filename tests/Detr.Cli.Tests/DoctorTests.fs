module Detr.Cli.Tests.DoctorTests

open Xunit
open Detr.Cli.Tests.CliRunner

[<Fact>]
let ``doctor reports libtorch, OpenBLAS and a matmul figure`` () =
    let r = detr [ "doctor"; "--seconds"; "0.5" ]
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.Matches(@"libtorch\s+\d+\.\d+", r.Out)
    Assert.Contains("OpenBLAS", r.Out)
    Assert.Matches(@"matmul\s+\d+(\.\d+)? GFLOP/s", r.Out)

[<Fact>]
let ``an unknown command exits 2 with usage and no stack trace`` () =
    let r = detr [ "frobnicate" ]
    Assert.Equal(2, r.ExitCode)
    Assert.Contains("USAGE", r.Err)
    Assert.DoesNotContain("   at ", r.Err)
