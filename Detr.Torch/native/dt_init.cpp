// In-place random initialisation (no gradient recorded). Mirrors Interop/NativeMethods.Init.cs.
#include "dt_common.h"
#include <ATen/core/grad_mode.h>

DT_EXPORT int32_t dt_uniform_(dt_tensor t, double from, double to) {
  DT_TRY
  at::NoGradGuard no_grad;
  t->uniform_(from, to);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_normal_(dt_tensor t, double mean, double std) {
  DT_TRY
  at::NoGradGuard no_grad;
  t->normal_(mean, std);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}
