/// The F# mirror of GlobalRngCollection.cs: tests that seed libtorch's process-wide generator and read the
/// same stream back run alone, since another test drawing random numbers on a parallel thread in between
/// would change what they read.
namespace Detr.Tests

open Xunit

module GlobalRng =
    [<Literal>]
    let Collection = "libtorch's global generator"

[<CollectionDefinition(GlobalRng.Collection, DisableParallelization = true)>]
type GlobalRngCollection() = class end
