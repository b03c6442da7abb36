// Tensor creation: constants, ranges and random tensors. Mirrors Interop/NativeMethods.Creation.cs.
// Every function takes (dtype, device_type, device_index) as the last three arguments.
#include "dt_common.h"

DT_EXPORT dt_tensor dt_empty(const int64_t* dims, int32_t ndims, int32_t dtype, int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::empty(dt_dims(dims, ndims), dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

// A CPU tensor over caller-owned memory: libtorch calls `release(data, context)` when the tensor's storage
// is freed (its last reference dropped, on whatever thread drops it), so the caller may reuse the memory.
typedef void (*dt_release_fn)(void* data, void* context);

DT_EXPORT dt_tensor dt_from_blob(void* data, const int64_t* dims, int32_t ndims, int32_t dtype,
                                 dt_release_fn release, void* context) {
  DT_TRY
  TORCH_CHECK(data != nullptr && release != nullptr, "from_blob needs memory and a release function");
  auto deleter = [release, context](void* p) { release(p, context); };
  return dt_wrap(at::from_blob(data, dt_dims(dims, ndims), deleter, at::TensorOptions().dtype(dt_dtype(dtype))));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_zeros(const int64_t* dims, int32_t ndims, int32_t dtype, int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::zeros(dt_dims(dims, ndims), dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_ones(const int64_t* dims, int32_t ndims, int32_t dtype, int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::ones(dt_dims(dims, ndims), dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_full(const int64_t* dims, int32_t ndims, double value, int32_t dtype, int32_t dev,
                            int32_t idx) {
  DT_TRY
  return dt_wrap(at::full(dt_dims(dims, ndims), value, dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

// [start, end) with the given step.
DT_EXPORT dt_tensor dt_arange(double start, double end, double step, int32_t dtype, int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::arange(start, end, step, dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t dev,
                                int32_t idx) {
  DT_TRY
  return dt_wrap(at::linspace(start, end, steps, dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_eye(int64_t n, int32_t dtype, int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::eye(n, dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

// Standard normal samples from the default generator (seeded by dt_manual_seed).
DT_EXPORT dt_tensor dt_randn(const int64_t* dims, int32_t ndims, int32_t dtype, int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::randn(dt_dims(dims, ndims), dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

// Uniform samples in [0, 1).
DT_EXPORT dt_tensor dt_rand(const int64_t* dims, int32_t ndims, int32_t dtype, int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::rand(dt_dims(dims, ndims), dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}

// Integers uniform in [low, high).
DT_EXPORT dt_tensor dt_randint(int64_t low, int64_t high, const int64_t* dims, int32_t ndims, int32_t dtype,
                               int32_t dev, int32_t idx) {
  DT_TRY
  return dt_wrap(at::randint(low, high, dt_dims(dims, ndims), dt_options(dtype, dev, idx)));
  DT_CATCH(nullptr)
}
