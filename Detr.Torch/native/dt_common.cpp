// Handles, the per-thread error channel, library-wide settings (threads, seeds, grad mode).
// Mirrors Interop/NativeMethods.Common.cs.
#include "dt_common.h"

#include <atomic>
#include <dlfcn.h>
#include <link.h>
#include <cstring>
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

namespace {
// OpenBLAS keeps its own thread pool beside libtorch's; its setter is looked up at run time in whichever
// loaded library exports it (Debian's libblas.so.3 is OpenBLAS through the alternatives system), so the
// shim links against any BLAS and these report "not OpenBLAS" elsewhere.
int find_openblas(struct dl_phdr_info* info, size_t, void* out) {
  if (!info->dlpi_name || !std::strstr(info->dlpi_name, "blas")) return 0;
  void* library = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
  if (!library) return 0;
  if (dlsym(library, "openblas_set_num_threads") && dlsym(library, "openblas_get_num_threads")) {
    *static_cast<void**>(out) = library;
    return 1;
  }
  dlclose(library);
  return 0;
}

void* openblas() {
  static void* library = [] {
    void* found = nullptr;
    dl_iterate_phdr(find_openblas, &found);
    return found;
  }();
  return library;
}
}  // namespace

// OpenBLAS's thread count; 0 when the loaded BLAS is not OpenBLAS.
DT_EXPORT int32_t dt_get_blas_threads() {
  void* library = openblas();
  if (!library) return 0;
  auto get = reinterpret_cast<int (*)()>(dlsym(library, "openblas_get_num_threads"));
  return get();
}

// Sets OpenBLAS's thread count; returns 1, or 0 (nothing set) when the loaded BLAS is not OpenBLAS.
DT_EXPORT int32_t dt_set_blas_threads(int32_t n) {
  DT_TRY
  if (n < 1) throw std::invalid_argument("BLAS thread count must be positive, got " + std::to_string(n));
  void* library = openblas();
  if (!library) return 0;
  auto set = reinterpret_cast<void (*)(int)>(dlsym(library, "openblas_set_num_threads"));
  set(n);
  return 1;
  DT_CATCH(DT_FAIL)
}

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
