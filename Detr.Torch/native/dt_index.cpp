// Indexing, selection, scatter/gather, sorting. Mirrors Interop/NativeMethods.Index.cs.
#include "dt_common.h"

DT_EXPORT dt_tensor dt_index_select(dt_tensor t, int64_t dim, dt_tensor index) {
  DT_TRY
  return dt_wrap(t->index_select(dim, *index));
  DT_CATCH(nullptr)
}

namespace {
// Advanced indexing: a null handle stands for a full slice (Python's `:`).
c10::List<c10::optional<at::Tensor>> index_list(const dt_tensor* indices, int32_t n) {
  c10::List<c10::optional<at::Tensor>> list;
  list.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) list.push_back(dt_optional(indices[i]));
  return list;
}
}  // namespace

DT_EXPORT dt_tensor dt_index(dt_tensor t, const dt_tensor* indices, int32_t n) {
  DT_TRY
  return dt_wrap(at::index(*t, index_list(indices, n)));
  DT_CATCH(nullptr)
}

DT_EXPORT int32_t dt_index_put_(dt_tensor t, const dt_tensor* indices, int32_t n, dt_tensor values,
                                int32_t accumulate) {
  DT_TRY
  t->index_put_(index_list(indices, n), *values, accumulate != 0);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT dt_tensor dt_gather(dt_tensor t, int64_t dim, dt_tensor index) {
  DT_TRY
  return dt_wrap(t->gather(dim, *index));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_scatter(dt_tensor t, int64_t dim, dt_tensor index, dt_tensor src) {
  DT_TRY
  return dt_wrap(t->scatter(dim, *index, *src));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_scatter_value(dt_tensor t, int64_t dim, dt_tensor index, double value) {
  DT_TRY
  return dt_wrap(t->scatter(dim, *index, value));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_scatter_add(dt_tensor t, int64_t dim, dt_tensor index, dt_tensor src) {
  DT_TRY
  return dt_wrap(t->scatter_add(dim, *index, *src));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_masked_fill(dt_tensor t, dt_tensor mask, double value) {
  DT_TRY
  return dt_wrap(t->masked_fill(*mask, value));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_masked_fill_tensor(dt_tensor t, dt_tensor mask, dt_tensor value) {
  DT_TRY
  return dt_wrap(t->masked_fill(*mask, *value));
  DT_CATCH(nullptr)
}

DT_EXPORT int32_t dt_masked_fill_(dt_tensor t, dt_tensor mask, double value) {
  DT_TRY
  t->masked_fill_(*mask, value);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT dt_tensor dt_masked_select(dt_tensor t, dt_tensor mask) {
  DT_TRY
  return dt_wrap(t->masked_select(*mask));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_where(dt_tensor condition, dt_tensor a, dt_tensor b) {
  DT_TRY
  return dt_wrap(at::where(*condition, *a, *b));
  DT_CATCH(nullptr)
}

// [N, dim] int64 coordinates of the non-zero elements.
DT_EXPORT dt_tensor dt_nonzero(dt_tensor t) {
  DT_TRY
  return dt_wrap(t->nonzero());
  DT_CATCH(nullptr)
}

// Writes (values, indices) into out[0], out[1].
DT_EXPORT int32_t dt_topk(dt_tensor t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, dt_tensor* out) {
  DT_TRY
  auto result = t->topk(k, dim, largest != 0, sorted != 0);
  out[0] = dt_wrap(std::get<0>(result));
  out[1] = dt_wrap(std::get<1>(result));
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_sort(dt_tensor t, int64_t dim, int32_t descending, int32_t stable, dt_tensor* out) {
  DT_TRY
  auto result = t->sort(c10::optional<bool>(stable != 0), dim, descending != 0);
  out[0] = dt_wrap(std::get<0>(result));
  out[1] = dt_wrap(std::get<1>(result));
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT dt_tensor dt_argsort(dt_tensor t, int64_t dim, int32_t descending, int32_t stable) {
  DT_TRY
  auto result = t->sort(c10::optional<bool>(stable != 0), dim, descending != 0);
  return dt_wrap(std::get<1>(result));
  DT_CATCH(nullptr)
}

// dim = INT64_MIN: over the flattened tensor.
DT_EXPORT dt_tensor dt_argmax(dt_tensor t, int64_t dim, int32_t keepdim) {
  DT_TRY
  return dt_wrap(dim == INT64_MIN ? t->argmax() : t->argmax(dim, keepdim != 0));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_argmin(dt_tensor t, int64_t dim, int32_t keepdim) {
  DT_TRY
  return dt_wrap(dim == INT64_MIN ? t->argmin() : t->argmin(dim, keepdim != 0));
  DT_CATCH(nullptr)
}

// Writes (values, inverse, counts) into out[0..2]; inverse/counts are empty when not requested.
DT_EXPORT int32_t dt_unique(dt_tensor t, int32_t sorted, int32_t return_inverse, int32_t return_counts,
                            dt_tensor* out) {
  DT_TRY
  auto result = at::_unique2(*t, sorted != 0, return_inverse != 0, return_counts != 0);
  out[0] = dt_wrap(std::get<0>(result));
  out[1] = dt_wrap(std::get<1>(result));
  out[2] = dt_wrap(std::get<2>(result));
  return DT_OK;
  DT_CATCH(DT_FAIL)
}
