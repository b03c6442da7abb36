// Elementwise arithmetic, reductions and linear algebra. Mirrors Interop/NativeMethods.Math.cs.
#include "dt_common.h"

DT_EXPORT dt_tensor dt_add(dt_tensor a, dt_tensor b, double alpha) {
  DT_TRY
  return dt_wrap(at::add(*a, *b, alpha));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_matmul(dt_tensor a, dt_tensor b) {
  DT_TRY
  return dt_wrap(at::matmul(*a, *b));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_sum(dt_tensor t) {
  DT_TRY
  return dt_wrap(t->sum());
  DT_CATCH(nullptr)
}
