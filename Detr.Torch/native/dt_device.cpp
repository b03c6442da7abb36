// CUDA queries: availability, device count, synchronisation, allocator statistics.
// Mirrors Interop/NativeMethods.Device.cs. Built against a CPU-only libtorch the queries
// answer "no CUDA" rather than failing.
#include "dt_common.h"
#include <torch/cuda.h>
#ifdef DT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

DT_EXPORT int32_t dt_cuda_is_available() {
  DT_TRY
  return torch::cuda::is_available() ? 1 : 0;
  DT_CATCH(0)
}

DT_EXPORT int32_t dt_cuda_device_count() {
  DT_TRY
  return static_cast<int32_t>(torch::cuda::device_count());
  DT_CATCH(0)
}

DT_EXPORT int32_t dt_cuda_synchronize(int32_t device_index) {
  DT_TRY
  torch::cuda::synchronize(device_index);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_cuda_built() {
#ifdef DT_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}

// Bytes currently allocated by tensors on the device, and the peak since the last reset.
// Writes zeros when the shim was built without CUDA.
DT_EXPORT int32_t dt_cuda_memory_stats(int32_t device_index, int64_t* allocated, int64_t* peak) {
  DT_TRY
  *allocated = 0;
  *peak = 0;
#ifdef DT_WITH_CUDA
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device_index);
  // StatType::AGGREGATE is index 0 in every release; the enum moved namespaces in 2.x.
  const size_t aggregate = 0;
  *allocated = stats.allocated_bytes[aggregate].current;
  *peak = stats.allocated_bytes[aggregate].peak;
#endif
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_cuda_reset_peak_memory(int32_t device_index) {
  DT_TRY
#ifdef DT_WITH_CUDA
  c10::cuda::CUDACachingAllocator::resetPeakStats(device_index);
#endif
  return DT_OK;
  DT_CATCH(DT_FAIL)
}
