/// What the runtime needs besides the modules: the assignment rule, the loss terms and their weights,
/// post-processing and the training recipe — all read from a checked model, plain data.
namespace Detr.Dsl

/// Weights of the cost or loss terms (`2 * class + 5 * l1 + 2 * giou`); a term not written weighs 0.
type TermWeights =
    { Class: float
      L1: float
      Giou: float }

/// The class head and how it is trained: softmax cross-entropy with a no-object class (DETR), or sigmoid
/// focal loss (Deformable / Conditional DETR).
type HeadPlan =
    { Sigmoid: bool
      NoObjectWeight: float
      FocalAlpha: float
      FocalGamma: float
      /// Prior probability of the sigmoid class-bias initialisation.
      Prior: float
      /// The matched sets' class loss varifocal instead of focal (sigmoid heads; the matching cost stays focal).
      Varifocal: bool
      /// Varifocal loss α (the negatives' weight).
      VarifocalAlpha: float }

/// One-to-one Hungarian matching of the decoder's queries.
type MatchPlan =
    { Cost: TermWeights
      /// host, device or auto.
      Solver: string }

/// H-DETR's one-to-many group (Jia et al., CVPR 2023): `Queries` extra queries matched by the one-to-one
/// rule against the targets repeated `K` times; its losses are added with `Weight` (λ).
type OneToManyPlan =
    { K: int
      Queries: int
      Weight: float }

/// One of Co-DETR's auxiliary ATSS heads: its assigner's candidates per level and its anchors' size in strides.
type AtssHeadPlan =
    { TopK: int
      AnchorScale: float }

/// Co-DETR's collaborative hybrid assignments (Zong et al., ICCV 2023), the auxiliary heads' part: each head's
/// losses weigh as the reference configs write them, 1 (focal class), 2 (GIoU), 1 (centerness), each times
/// the number of decoder layers times λ2 (`HeadWeight`).
type CollaboratePlan =
    { Heads: AtssHeadPlan list
      HeadWeight: float
      DecoderLayers: int }

/// Post-processing: `top` (top-k over queries × classes for sigmoid heads, per-query argmax for softmax
/// heads), keeping K detections per image.
type PredictPlan =
    { Rule: string
      K: int }

type TrainPlan =
    { Lr: float
      BackboneLr: float
      WeightDecay: float
      Beta1: float
      Beta2: float
      Eps: float
      Clip: float
      Batch: int
      Epochs: int
      LrDrop: int list
      Schedule: string
      Warmup: int
      Augment: string
      ImageMin: int list
      ImageMax: int
      CropResize: int list
      CropMin: int
      CropMax: int
      ValSize: int
      EvalEvery: int
      Accumulate: int
      SkipNonfinite: bool
      Seed: int
      Workers: int
      /// Data-parallel replicas on the CPU (DetrRuntime's DataParallelStep); 1: one process, every thread per operator.
      Replicas: int }

type Plan =
    { Classes: int
      Queries: int
      Head: HeadPlan
      Match: MatchPlan
      OneToMany: OneToManyPlan option
      Collaborate: CollaboratePlan option
      Loss: TermWeights
      AuxLoss: bool
      Predict: PredictPlan
      Train: TrainPlan }
