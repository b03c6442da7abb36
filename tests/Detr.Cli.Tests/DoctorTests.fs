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

[<Fact>]
let ``doctor demo fits a small network with autograd and AdamW`` () =
    let r = detr [ "doctor"; "--seconds"; "0.2"; "--demo" ]
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.Matches(@"loss \d+\.\d+ -> \d+\.\d+", r.Out)

[<Fact>]
let ``doctor on a slow matmul warns of a busy machine and still runs the demo`` () =
    // 16x16 matmuls are all call overhead: a few GFLOP/s, below the reference-BLAS line, as on a busy machine
    let r = detr [ "doctor"; "--seconds"; "0.1"; "--size"; "16"; "--demo" ]
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.Contains("Is the machine busy?", r.Err)
    Assert.Matches(@"loss \d+\.\d+ -> \d+\.\d+", r.Out)

[<Fact>]
let ``bench ops reports the C++ baseline and the managed overhead`` () =
    let r = detr [ "bench"; "ops"; "--iterations"; "20000"; "--repeats"; "1" ]
    Assert.True(r.ExitCode = 0, r.Out + r.Err)
    Assert.Matches(@"C\+\+ loop in the shim\s+\d+\.\d+ us/call", r.Out)
    Assert.Matches(@"C# call \+ Dispose\s+\d+\.\d+ us/call\s+\d+\.\d+x", r.Out)
