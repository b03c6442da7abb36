using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>Fused CPU kernels for hot paths whose ATen composition launches many small ops.</summary>
public static class Fused
{
    /// <summary>
    /// DETR's matching cost [B, Q, T] (CPU, float32/float64): w_l1·L1(cxcywh) + w_class·classCost − w_giou·GIoU(xyxy)
    /// for every pair of predicted boxes [B, Q, 4] and target boxes [B, T, 4], in the reference's operation order.
    /// </summary>
    public static Tensor MatchCost(Tensor classCost, Tensor boxes, Tensor targetBoxes, double classWeight, double l1Weight, double giouWeight) =>
        Tensor.Wrap(NativeMethods.dt_match_cost(classCost.Handle, boxes.Handle, targetBoxes.Handle, classWeight, l1Weight, giouWeight));
}
