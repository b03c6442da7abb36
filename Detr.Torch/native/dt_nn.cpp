// Neural-network functional ops (convolution, normalisation, activations, pooling, resampling).
// Mirrors Interop/NativeMethods.NN.cs. Optional tensors are null handles.
#include "dt_common.h"

DT_EXPORT dt_tensor dt_linear(dt_tensor x, dt_tensor w, dt_tensor b) {
  DT_TRY
  return dt_wrap(at::linear(*x, *w, dt_optional(b)));
  DT_CATCH(nullptr)
}

// stride/padding/dilation are (h, w) pairs.
DT_EXPORT dt_tensor dt_conv2d(dt_tensor x, dt_tensor w, dt_tensor b, const int64_t* stride, const int64_t* padding,
                              const int64_t* dilation, int64_t groups) {
  DT_TRY
  return dt_wrap(at::conv2d(*x, *w, dt_optional(b), dt_dims(stride, 2), dt_dims(padding, 2), dt_dims(dilation, 2),
                            groups));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_batch_norm(dt_tensor x, dt_tensor weight, dt_tensor bias, dt_tensor running_mean,
                                  dt_tensor running_var, int32_t training, double momentum, double eps) {
  DT_TRY
  return dt_wrap(at::batch_norm(*x, dt_optional(weight), dt_optional(bias), dt_optional(running_mean),
                                dt_optional(running_var), training != 0, momentum, eps, /*cudnn_enabled=*/true));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_layer_norm(dt_tensor x, const int64_t* shape, int32_t n, dt_tensor weight, dt_tensor bias,
                                  double eps) {
  DT_TRY
  return dt_wrap(at::layer_norm(*x, dt_dims(shape, n), dt_optional(weight), dt_optional(bias), eps));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_group_norm(dt_tensor x, int64_t groups, dt_tensor weight, dt_tensor bias, double eps) {
  DT_TRY
  return dt_wrap(at::group_norm(*x, groups, dt_optional(weight), dt_optional(bias), eps));
  DT_CATCH(nullptr)
}

namespace {
enum Activation : int32_t { RELU, GELU, GELU_TANH, SILU, LEAKY_RELU };
}

DT_EXPORT dt_tensor dt_activation(dt_tensor x, int32_t kind, double parameter) {
  DT_TRY
  switch (kind) {
    case RELU: return dt_wrap(at::relu(*x));
    case GELU: return dt_wrap(at::gelu(*x, "none"));
    case GELU_TANH: return dt_wrap(at::gelu(*x, "tanh"));
    case SILU: return dt_wrap(at::silu(*x));
    case LEAKY_RELU: return dt_wrap(at::leaky_relu(*x, parameter));
  }
  TORCH_CHECK(false, "unknown activation code ", kind);
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_softmax(dt_tensor x, int64_t dim) {
  DT_TRY
  return dt_wrap(at::softmax(*x, dim));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_log_softmax(dt_tensor x, int64_t dim) {
  DT_TRY
  return dt_wrap(at::log_softmax(*x, dim));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_dropout(dt_tensor x, double p, int32_t training) {
  DT_TRY
  return dt_wrap(at::dropout(*x, p, training != 0));
  DT_CATCH(nullptr)
}

// kernel/stride/padding/dilation are (h, w) pairs.
DT_EXPORT dt_tensor dt_max_pool2d(dt_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  const int64_t* dilation, int32_t ceil_mode) {
  DT_TRY
  return dt_wrap(at::max_pool2d(*x, dt_dims(kernel, 2), dt_dims(stride, 2), dt_dims(padding, 2),
                                dt_dims(dilation, 2), ceil_mode != 0));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_avg_pool2d(dt_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding) {
  DT_TRY
  return dt_wrap(at::avg_pool2d(*x, dt_dims(kernel, 2), dt_dims(stride, 2), dt_dims(padding, 2)));
  DT_CATCH(nullptr)
}

// 4-D resize to (out_h, out_w). mode 0 = nearest (legacy PyTorch 'nearest': src = floor(dst * in / out)),
// 1 = bilinear (align_corners applies).
DT_EXPORT dt_tensor dt_interpolate(dt_tensor x, int64_t out_h, int64_t out_w, int32_t mode, int32_t align_corners) {
  DT_TRY
  const int64_t size[2] = {out_h, out_w};
  if (mode == 0) return dt_wrap(at::upsample_nearest2d(*x, at::IntArrayRef(size, 2), c10::nullopt, c10::nullopt));
  TORCH_CHECK(mode == 1, "unknown interpolation mode ", mode);
  return dt_wrap(at::upsample_bilinear2d(*x, at::IntArrayRef(size, 2), align_corners != 0, c10::nullopt, c10::nullopt));
  DT_CATCH(nullptr)
}

// input [N, C, H, W], grid [N, Ho, Wo, 2] in [-1, 1] (x, y). mode 0 bilinear, 1 nearest;
// padding 0 zeros, 1 border, 2 reflection.
DT_EXPORT dt_tensor dt_grid_sample(dt_tensor input, dt_tensor grid, int32_t mode, int32_t padding,
                                   int32_t align_corners) {
  DT_TRY
  return dt_wrap(at::grid_sampler(*input, *grid, mode, padding, align_corners != 0));
  DT_CATCH(nullptr)
}

// Constant padding; `pad` lists (before, after) pairs starting from the last dimension, as F.pad.
DT_EXPORT dt_tensor dt_pad(dt_tensor x, const int64_t* pad, int32_t n, double value) {
  DT_TRY
  return dt_wrap(at::constant_pad_nd(*x, dt_dims(pad, n), value));
  DT_CATCH(nullptr)
}
