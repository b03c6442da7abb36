// Shared by every translation unit of the shim: handle ownership, the error channel and
// the catch-all macros. The C# side mirrors this file in Interop/NativeMethods.Common.cs.
#pragma once
#include <ATen/ATen.h>
#include <cstdint>
#include <string>
#include <vector>

#define DT_EXPORT extern "C" __attribute__((visibility("default")))

// A tensor handle is a heap-allocated at::Tensor owned by the caller (one reference on the
// underlying TensorImpl). Every function returning a handle returns a fresh one; callees
// never free their inputs.
typedef at::Tensor* dt_tensor;

// Wraps a tensor into a new owned handle and counts it as live.
dt_tensor dt_wrap(at::Tensor t);

// Frees a handle and counts it as released.
DT_EXPORT void dt_tensor_free(dt_tensor t);

// Records the message for the calling thread; the managed side reads it with dt_last_error.
void dt_set_error(const char* message);

// One catch-all on the native side: every export wraps its body in DT_TRY ... DT_CATCH(fail).
// c10::Error's what() carries a C++ backtrace; users get the message only.
#define DT_TRY try {
#define DT_CATCH(fail)                                                     \
  }                                                                        \
  catch (const c10::Error& e) {                                            \
    dt_set_error(e.what_without_backtrace());                              \
    return fail;                                                           \
  }                                                                        \
  catch (const std::exception& e) {                                        \
    dt_set_error(e.what());                                                \
    return fail;                                                           \
  }                                                                        \
  catch (...) {                                                            \
    dt_set_error("unknown native error");                                  \
    return fail;                                                           \
  }

// Status codes for exports that return no handle.
#define DT_OK 0
#define DT_FAIL -1

// Dims passed from managed code as (pointer, count).
inline at::IntArrayRef dt_dims(const int64_t* dims, int32_t ndims) {
  return at::IntArrayRef(dims, static_cast<size_t>(ndims));
}

// A list of handles passed from managed code as (pointer, count).
inline std::vector<at::Tensor> dt_list(const dt_tensor* tensors, int32_t n) {
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) list.push_back(*tensors[i]);
  return list;
}

// Writes results into a caller-provided array of handles (capacity checked by the caller).
inline int32_t dt_write_list(const std::vector<at::Tensor>& list, dt_tensor* out, int32_t capacity) {
  const int32_t n = static_cast<int32_t>(list.size());
  TORCH_CHECK(n <= capacity, "result has ", n, " tensors but the caller made room for ", capacity);
  for (int32_t i = 0; i < n; ++i) out[i] = dt_wrap(list[i]);
  return n;
}

// Device from (type, index): type 0 = cpu, 1 = cuda; index -1 = current.
inline at::Device dt_device(int32_t type, int32_t index) {
  return at::Device(type == 1 ? at::kCUDA : at::kCPU, static_cast<c10::DeviceIndex>(index));
}

inline at::ScalarType dt_dtype(int32_t dtype) { return static_cast<at::ScalarType>(dtype); }

inline at::TensorOptions dt_options(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions().dtype(dt_dtype(dtype)).device(dt_device(device_type, device_index));
}

// An optional tensor argument: null handle = absent.
inline c10::optional<at::Tensor> dt_optional(dt_tensor t) {
  return t ? c10::optional<at::Tensor>(*t) : c10::nullopt;
}
