// Tensor properties and data crossing the boundary: metadata queries, copies between managed
// memory and tensors, device and dtype moves. Mirrors Interop/NativeMethods.IO.cs.
#include "dt_common.h"
#include <chrono>
#include <cstring>

DT_EXPORT int32_t dt_tensor_dim(dt_tensor t) {
  DT_TRY
  return static_cast<int32_t>(t->dim());
  DT_CATCH(DT_FAIL)
}

// Writes up to `capacity` sizes into `out`; returns the number of dimensions.
DT_EXPORT int32_t dt_tensor_sizes(dt_tensor t, int64_t* out, int32_t capacity) {
  DT_TRY
  const auto sizes = t->sizes();
  const int32_t n = static_cast<int32_t>(sizes.size());
  for (int32_t i = 0; i < n && i < capacity; ++i) out[i] = sizes[i];
  return n;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_tensor_strides(dt_tensor t, int64_t* out, int32_t capacity) {
  DT_TRY
  const auto strides = t->strides();
  const int32_t n = static_cast<int32_t>(strides.size());
  for (int32_t i = 0; i < n && i < capacity; ++i) out[i] = strides[i];
  return n;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int64_t dt_tensor_numel(dt_tensor t) {
  DT_TRY
  return t->numel();
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_tensor_dtype(dt_tensor t) {
  DT_TRY
  return static_cast<int32_t>(t->scalar_type());
  DT_CATCH(DT_FAIL)
}

// Device as type (0 cpu, 1 cuda) * 1000 + index; index -1 is reported as 0.
DT_EXPORT int32_t dt_tensor_device(dt_tensor t) {
  DT_TRY
  const auto d = t->device();
  const int32_t type = d.is_cuda() ? 1 : 0;
  return type * 1000 + (d.has_index() ? d.index() : 0);
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_tensor_is_contiguous(dt_tensor t) {
  DT_TRY
  return t->is_contiguous() ? 1 : 0;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_tensor_defined(dt_tensor t) { return t && t->defined() ? 1 : 0; }

// Copies `nbytes` of raw element data (C order, matching dtype) into a new CPU tensor.
DT_EXPORT dt_tensor dt_tensor_from_data(const void* data, int64_t nbytes, int32_t dtype,
                                        const int64_t* dims, int32_t ndims) {
  DT_TRY
  auto result = at::empty(dt_dims(dims, ndims), at::TensorOptions().dtype(dt_dtype(dtype)));
  const int64_t expected = result.numel() * static_cast<int64_t>(result.element_size());
  TORCH_CHECK(expected == nbytes, "data has ", nbytes, " bytes but shape ", result.sizes(), " of ",
              result.scalar_type(), " needs ", expected);
  if (nbytes > 0) std::memcpy(result.data_ptr(), data, static_cast<size_t>(nbytes));
  return dt_wrap(std::move(result));
  DT_CATCH(nullptr)
}

// Copies the tensor's elements (any device, any layout) in C order into `out`, which holds
// `nbytes` bytes; the dtype must match the caller's element type.
DT_EXPORT int32_t dt_tensor_copy_to(dt_tensor t, int32_t dtype, void* out, int64_t nbytes) {
  DT_TRY
  TORCH_CHECK(t->scalar_type() == dt_dtype(dtype), "tensor has dtype ", t->scalar_type(),
              " but the destination holds ", dt_dtype(dtype));
  auto cpu = t->detach().to(at::kCPU).contiguous();
  const int64_t size = cpu.numel() * static_cast<int64_t>(cpu.element_size());
  TORCH_CHECK(size == nbytes, "tensor has ", size, " bytes but the destination holds ", nbytes);
  if (size > 0) std::memcpy(out, cpu.data_ptr(), static_cast<size_t>(size));
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// The single element of a one-element tensor, written to `out`.
DT_EXPORT int32_t dt_tensor_item_double(dt_tensor t, double* out) {
  DT_TRY
  *out = t->item<double>();
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_tensor_item_int64(dt_tensor t, int64_t* out) {
  DT_TRY
  *out = t->item<int64_t>();
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// Moves/converts: dtype -1 keeps the dtype; device_type -1 keeps the device.
DT_EXPORT dt_tensor dt_tensor_to(dt_tensor t, int32_t dtype, int32_t device_type, int32_t device_index,
                                 int32_t non_blocking) {
  DT_TRY
  const auto target_dtype = dtype < 0 ? t->scalar_type() : dt_dtype(dtype);
  const auto target_device = device_type < 0 ? t->device() : dt_device(device_type, device_index);
  return dt_wrap(t->to(target_device, target_dtype, non_blocking != 0));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_tensor_contiguous(dt_tensor t) {
  DT_TRY
  return dt_wrap(t->contiguous());
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_tensor_clone(dt_tensor t) {
  DT_TRY
  return dt_wrap(t->clone());
  DT_CATCH(nullptr)
}

// In-place copy of `src` into `dst` (broadcasting, converting dtype and device).
DT_EXPORT int32_t dt_tensor_copy_(dt_tensor dst, dt_tensor src) {
  DT_TRY
  dst->copy_(*src);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// Replaces what `t` refers to by `value` while keeping the handle (PyTorch's `param.data = v`),
// so modules keep their parameter objects across device moves.
DT_EXPORT int32_t dt_tensor_set_data(dt_tensor t, dt_tensor value) {
  DT_TRY
  t->set_data(*value);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// Address of the first element of a contiguous CPU tensor, for filling it in place from managed code
// (the data pipeline renders images straight into the batch tensor). The tensor must outlive the use.
DT_EXPORT void* dt_tensor_data_ptr(dt_tensor t) {
  DT_TRY
  TORCH_CHECK(t->device().is_cpu(), "data pointer of a ", t->device(), " tensor: only CPU tensors expose their memory");
  TORCH_CHECK(t->is_contiguous(), "data pointer of a non-contiguous tensor");
  return t->data_ptr();
  DT_CATCH(nullptr)
}

// The C++ baseline for `detr bench ops`: `iterations` adds of a and b, each result allocated
// and freed exactly as a managed call would do (through a heap handle).
DT_EXPORT double dt_bench_add_loop(dt_tensor a, dt_tensor b, int64_t iterations) {
  DT_TRY
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < iterations; ++i) {
    dt_tensor r = dt_wrap(at::add(*a, *b));
    dt_tensor_free(r);
  }
  const auto stop = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(stop - start).count();
  DT_CATCH(-1.0)
}
