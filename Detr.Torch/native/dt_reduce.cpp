// Reductions over all elements or over dims. Mirrors Interop/NativeMethods.Reduce.cs.
// dtype -1 keeps ATen's default accumulation type.
#include "dt_common.h"

namespace {
c10::optional<at::ScalarType> opt_dtype(int32_t dtype) {
  return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(dt_dtype(dtype));
}

enum ReduceOp : int32_t { SUM, MEAN, AMAX, AMIN, ALL, ANY, LOGSUMEXP };
}  // namespace

// Over all elements when ndims == 0 (a 0-d result), else over the given dims.
DT_EXPORT dt_tensor dt_reduce(dt_tensor t, int32_t op, const int64_t* dims, int32_t ndims, int32_t keepdim,
                              int32_t dtype) {
  DT_TRY
  const bool all = ndims == 0;
  const auto d = dt_dims(dims, ndims);
  const bool keep = keepdim != 0;
  switch (op) {
    case SUM: return dt_wrap(all ? t->sum(opt_dtype(dtype)) : t->sum(d, keep, opt_dtype(dtype)));
    case MEAN: return dt_wrap(all ? t->mean(opt_dtype(dtype)) : t->mean(d, keep, opt_dtype(dtype)));
    case AMAX: return dt_wrap(all ? t->max() : t->amax(d, keep));
    case AMIN: return dt_wrap(all ? t->min() : t->amin(d, keep));
    case ALL: {
      if (all) return dt_wrap(t->all());
      TORCH_CHECK(ndims == 1, "all() reduces one dim at a time");
      return dt_wrap(t->all(dims[0], keep));
    }
    case ANY: {
      if (all) return dt_wrap(t->any());
      TORCH_CHECK(ndims == 1, "any() reduces one dim at a time");
      return dt_wrap(t->any(dims[0], keep));
    }
    case LOGSUMEXP: {
      TORCH_CHECK(!all, "logsumexp needs dims");
      return dt_wrap(t->logsumexp(d, keep));
    }
  }
  TORCH_CHECK(false, "unknown reduction op code ", op);
  DT_CATCH(nullptr)
}

// dim = INT64_MIN: product of all elements.
DT_EXPORT dt_tensor dt_prod(dt_tensor t, int64_t dim, int32_t keepdim, int32_t dtype) {
  DT_TRY
  return dt_wrap(dim == INT64_MIN ? t->prod(opt_dtype(dtype)) : t->prod(dim, keepdim != 0, opt_dtype(dtype)));
  DT_CATCH(nullptr)
}

// (values, indices) of the max/min along dim into out[0], out[1].
DT_EXPORT int32_t dt_max_dim(dt_tensor t, int64_t dim, int32_t keepdim, dt_tensor* out) {
  DT_TRY
  auto result = t->max(dim, keepdim != 0);
  out[0] = dt_wrap(std::get<0>(result));
  out[1] = dt_wrap(std::get<1>(result));
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_min_dim(dt_tensor t, int64_t dim, int32_t keepdim, dt_tensor* out) {
  DT_TRY
  auto result = t->min(dim, keepdim != 0);
  out[0] = dt_wrap(std::get<0>(result));
  out[1] = dt_wrap(std::get<1>(result));
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT dt_tensor dt_cumsum(dt_tensor t, int64_t dim, int32_t dtype) {
  DT_TRY
  return dt_wrap(t->cumsum(dim, opt_dtype(dtype)));
  DT_CATCH(nullptr)
}

// p-norm over all elements (ndims == 0) or over dims.
DT_EXPORT dt_tensor dt_norm(dt_tensor t, double p, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  DT_TRY
  if (ndims == 0) return dt_wrap(at::norm(*t, p));
  return dt_wrap(at::norm(*t, p, dt_dims(dims, ndims), keepdim != 0));
  DT_CATCH(nullptr)
}

// Standard deviation (variance when `variance`), over all elements (ndims == 0) or dims.
DT_EXPORT dt_tensor dt_std_var(dt_tensor t, int32_t variance, const int64_t* dims, int32_t ndims, int32_t unbiased,
                               int32_t keepdim) {
  DT_TRY
  const bool u = unbiased != 0;
  if (ndims == 0) return dt_wrap(variance ? t->var(u) : t->std(u));
  const auto d = dt_dims(dims, ndims);
  return dt_wrap(variance ? t->var(d, u, keepdim != 0) : t->std(d, u, keepdim != 0));
  DT_CATCH(nullptr)
}
