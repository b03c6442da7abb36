/// Tests that measure the process itself (resident memory over a training run) run alone, after the parallel
/// ones: other tests starting and ending beside them change how far the loader's prefetch gets ahead, and so
/// how many batch buffers are in flight when the memory is read. Measured: with other test assemblies running
/// through the first nine of ten epochs, RSS was flat at 337–342 MiB and then 369–371 MiB after the tenth, once
/// the machine was idle (twice in two runs; the loader's workers then get further ahead); alone, the test passed
/// four runs of four.
namespace Detr.Cli.Tests

open Xunit

module MachineToThemselves =
    [<Literal>]
    let Collection = "measurements that need the machine to themselves"

[<CollectionDefinition(MachineToThemselves.Collection, DisableParallelization = true)>]
type MachineToThemselvesCollection() = class end
