// Loss functions with PyTorch's reductions (0 none, 1 mean, 2 sum). Mirrors Interop/NativeMethods.Loss.cs.
#include "dt_common.h"

DT_EXPORT dt_tensor dt_bce_with_logits(dt_tensor x, dt_tensor target, dt_tensor weight, dt_tensor pos_weight,
                                       int32_t reduction) {
  DT_TRY
  return dt_wrap(at::binary_cross_entropy_with_logits(*x, *target, dt_optional(weight), dt_optional(pos_weight),
                                                      reduction));
  DT_CATCH(nullptr)
}

// logits [N, C] or [N, C, d...], target class indices [N] or [N, d...]. With class weights the mean is
// sum(w[y_i] * l_i) / sum(w[y_i]) (PyTorch's weighted mean).
DT_EXPORT dt_tensor dt_cross_entropy(dt_tensor logits, dt_tensor target, dt_tensor weight, int32_t reduction,
                                     int64_t ignore_index, double label_smoothing) {
  DT_TRY
  return dt_wrap(at::cross_entropy_loss(*logits, *target, dt_optional(weight), reduction, ignore_index,
                                        label_smoothing));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_l1_loss(dt_tensor x, dt_tensor target, int32_t reduction) {
  DT_TRY
  return dt_wrap(at::l1_loss(*x, *target, reduction));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_mse_loss(dt_tensor x, dt_tensor target, int32_t reduction) {
  DT_TRY
  return dt_wrap(at::mse_loss(*x, *target, reduction));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_smooth_l1_loss(dt_tensor x, dt_tensor target, int32_t reduction, double beta) {
  DT_TRY
  return dt_wrap(at::smooth_l1_loss(*x, *target, reduction, beta));
  DT_CATCH(nullptr)
}
