// Shape ops: views, reshapes, joins and splits. Mirrors Interop/NativeMethods.Shape.cs.
#include "dt_common.h"

DT_EXPORT dt_tensor dt_view(dt_tensor t, const int64_t* dims, int32_t n) {
  DT_TRY
  return dt_wrap(t->view(dt_dims(dims, n)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_reshape(dt_tensor t, const int64_t* dims, int32_t n) {
  DT_TRY
  return dt_wrap(t->reshape(dt_dims(dims, n)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_permute(dt_tensor t, const int64_t* dims, int32_t n) {
  DT_TRY
  return dt_wrap(t->permute(dt_dims(dims, n)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_transpose(dt_tensor t, int64_t dim0, int64_t dim1) {
  DT_TRY
  return dt_wrap(t->transpose(dim0, dim1));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_flatten(dt_tensor t, int64_t start, int64_t end) {
  DT_TRY
  return dt_wrap(t->flatten(start, end));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_unflatten(dt_tensor t, int64_t dim, const int64_t* sizes, int32_t n) {
  DT_TRY
  return dt_wrap(t->unflatten(dim, dt_dims(sizes, n)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_unsqueeze(dt_tensor t, int64_t dim) {
  DT_TRY
  return dt_wrap(t->unsqueeze(dim));
  DT_CATCH(nullptr)
}

// dim = INT64_MIN squeezes every size-1 dimension.
DT_EXPORT dt_tensor dt_squeeze(dt_tensor t, int64_t dim) {
  DT_TRY
  return dt_wrap(dim == INT64_MIN ? t->squeeze() : t->squeeze(dim));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_expand(dt_tensor t, const int64_t* dims, int32_t n) {
  DT_TRY
  return dt_wrap(t->expand(dt_dims(dims, n)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_repeat(dt_tensor t, const int64_t* repeats, int32_t n) {
  DT_TRY
  return dt_wrap(t->repeat(dt_dims(repeats, n)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_cat(const dt_tensor* tensors, int32_t n, int64_t dim) {
  DT_TRY
  return dt_wrap(at::cat(dt_list(tensors, n), dim));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_stack(const dt_tensor* tensors, int32_t n, int64_t dim) {
  DT_TRY
  return dt_wrap(at::stack(dt_list(tensors, n), dim));
  DT_CATCH(nullptr)
}

// Writes the pieces into `out` (capacity checked); returns their number.
DT_EXPORT int32_t dt_split(dt_tensor t, int64_t size, int64_t dim, dt_tensor* out, int32_t capacity) {
  DT_TRY
  return dt_write_list(t->split(size, dim), out, capacity);
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_split_sizes(dt_tensor t, const int64_t* sizes, int32_t n, int64_t dim, dt_tensor* out,
                                 int32_t capacity) {
  DT_TRY
  return dt_write_list(t->split_with_sizes(dt_dims(sizes, n), dim), out, capacity);
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_chunk(dt_tensor t, int64_t chunks, int64_t dim, dt_tensor* out, int32_t capacity) {
  DT_TRY
  return dt_write_list(t->chunk(chunks, dim), out, capacity);
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_unbind(dt_tensor t, int64_t dim, dt_tensor* out, int32_t capacity) {
  DT_TRY
  return dt_write_list(t->unbind(dim), out, capacity);
  DT_CATCH(DT_FAIL)
}

DT_EXPORT dt_tensor dt_narrow(dt_tensor t, int64_t dim, int64_t start, int64_t length) {
  DT_TRY
  return dt_wrap(t->narrow(dim, start, length));
  DT_CATCH(nullptr)
}

// Python's t[..., start:end:step, ...] along one dim; end = INT64_MAX means "to the end".
DT_EXPORT dt_tensor dt_slice(dt_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  DT_TRY
  return dt_wrap(t->slice(dim, start, end, step));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_select(dt_tensor t, int64_t dim, int64_t index) {
  DT_TRY
  return dt_wrap(t->select(dim, index));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_flip(dt_tensor t, const int64_t* dims, int32_t n) {
  DT_TRY
  return dt_wrap(t->flip(dt_dims(dims, n)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_roll(dt_tensor t, const int64_t* shifts, int32_t nshifts, const int64_t* dims, int32_t ndims) {
  DT_TRY
  return dt_wrap(t->roll(dt_dims(shifts, nshifts), dt_dims(dims, ndims)));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_as_strided(dt_tensor t, const int64_t* sizes, const int64_t* strides, int32_t n,
                                  int64_t offset) {
  DT_TRY
  return dt_wrap(t->as_strided(dt_dims(sizes, n), dt_dims(strides, n), offset));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_tril(dt_tensor t, int64_t diagonal) {
  DT_TRY
  return dt_wrap(t->tril(diagonal));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_triu(dt_tensor t, int64_t diagonal) {
  DT_TRY
  return dt_wrap(t->triu(diagonal));
  DT_CATCH(nullptr)
}
