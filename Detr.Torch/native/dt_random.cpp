// Generator state (for exact resume) and random permutations. Mirrors Interop/NativeMethods.Random.cs.
#include "dt_common.h"
#include <ATen/CPUGeneratorImpl.h>
#include <mutex>

// The default CPU generator's full state as a uint8 tensor.
DT_EXPORT dt_tensor dt_get_rng_state() {
  DT_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return dt_wrap(gen.get_state());
  DT_CATCH(nullptr)
}

DT_EXPORT int32_t dt_set_rng_state(dt_tensor state) {
  DT_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(*state);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT dt_tensor dt_randperm(int64_t n, int32_t dtype, int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::randperm(n, dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

// Bernoulli(p) samples with the shape of t (dropout-style masks in tests and augmentation).
DT_EXPORT dt_tensor dt_bernoulli(dt_tensor t, double p) {
  DT_TRY
  return dt_wrap(at::bernoulli(*t, p));
  DT_CATCH(nullptr)
}
