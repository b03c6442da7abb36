/// Detr.Models: modules built on Detr.Torch. Filled by the models issue (#7).
module Detr.Models.Library

/// The libtorch version the models run on.
let torchVersion () = Detr.Torch.LibTorch.Version
