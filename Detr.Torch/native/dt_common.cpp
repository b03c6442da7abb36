// Handles, the per-thread error channel, library-wide settings (threads, seeds, grad mode).
// Mirrors Interop/NativeMethods.Common.cs.
#include "dt_common.h"

#include <atomic>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <torch/version.h>

namespace {
thread_local std::string last_error;
std::atomic<int64_t> live_tensors{0};
}  // namespace

dt_tensor dt_wrap(at::Tensor t) {
  auto* handle = new at::Tensor(std::move(t));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return handle;
}

void dt_set_error(const char* message) { last_error = message ? message : "unknown native error"; }

// The message of the calling thread's last failure; valid until that thread's next failure.
// The managed side copies it out immediately.
DT_EXPORT const char* dt_last_error() { return last_error.c_str(); }

DT_EXPORT void dt_clear_error() { last_error.clear(); }

DT_EXPORT void dt_tensor_free(dt_tensor t) {
  if (!t) return;
  delete t;
  live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

// Handles currently owned by managed code (leak tests watch this stay constant).
DT_EXPORT int64_t dt_live_tensor_count() { return live_tensors.load(std::memory_order_relaxed); }

// A second handle to the same tensor (shares storage and autograd identity).
DT_EXPORT dt_tensor dt_tensor_share(dt_tensor t) {
  DT_TRY
  return dt_wrap(*t);
  DT_CATCH(nullptr)
}

DT_EXPORT const char* dt_torch_version() { return TORCH_VERSION; }

DT_EXPORT int32_t dt_set_num_threads(int32_t n) {
  DT_TRY
  at::set_num_threads(n);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_get_num_threads() { return at::get_num_threads(); }

DT_EXPORT int32_t dt_manual_seed(uint64_t seed) {
  DT_TRY
  at::manual_seed(seed);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// Grad mode is thread-local in libtorch; returns the previous setting (0/1) or -1 on failure.
DT_EXPORT int32_t dt_set_grad_enabled(int32_t enabled) {
  DT_TRY
  const bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_is_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }


namespace {
thread_local std::string text_result;
}

// libtorch's build configuration (BLAS, OpenMP, CPU capability ...), valid until the
// calling thread's next text query; the managed side copies it out immediately.
DT_EXPORT const char* dt_show_config() {
  DT_TRY
  text_result = at::show_config();
  return text_result.c_str();
  DT_CATCH(nullptr)
}

DT_EXPORT const char* dt_parallel_info() {
  DT_TRY
  text_result = at::get_parallel_info();
  return text_result.c_str();
  DT_CATCH(nullptr)
}
