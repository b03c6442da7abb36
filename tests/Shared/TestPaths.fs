/// Where tests find the repository and the shared reference fixtures (../shared/fixtures).
module Detr.Tests.TestPaths

open System
open System.IO

/// The repository root: the first folder above the test binary holding Detr.Dsl.sln.
let root =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then failwithf "Detr.Dsl.sln not found above %s" AppContext.BaseDirectory
        elif File.Exists(Path.Combine(dir.FullName, "Detr.Dsl.sln")) then dir.FullName
        else up dir.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

/// $DETR_FIXTURES, or ../shared/fixtures next to the repository.
let fixtures =
    match Environment.GetEnvironmentVariable "DETR_FIXTURES" with
    | null | "" -> Path.GetFullPath(Path.Combine(root, "..", "shared", "fixtures"))
    | env -> env

let fixture (parts: string list) = Path.Combine(Array.ofList (fixtures :: parts))
