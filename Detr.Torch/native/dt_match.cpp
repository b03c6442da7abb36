// The box part of DETR's matching cost for a whole batch in one fused CPU pass (L1 of cxcywh and GIoU of
// xyxy for every prediction-target pair, combined with the class cost), so no [B, Q, T, 2] intermediates
// are made. Mirrors
// Interop/NativeMethods.Match.cs. The ATen composition in Detr.Runtime (MatchCost.Composed) is the
// reference beside this fast path and the path for CUDA tensors; a float64 test asserts they agree.
// Arithmetic follows detr/models/matcher.py and util/box_ops.py step by step in the input's dtype.
#include "dt_common.h"
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <cmath>

namespace {
template <typename scalar_t>
void match_cost_kernel(const at::Tensor& class_cost, const at::Tensor& boxes, const at::Tensor& targets, at::Tensor& out,
                       scalar_t w_class, scalar_t w_l1, scalar_t w_giou) {
  const int64_t B = boxes.size(0), Q = boxes.size(1), T = targets.size(1);
  const scalar_t* cc = class_cost.data_ptr<scalar_t>();
  const scalar_t* bx = boxes.data_ptr<scalar_t>();
  const scalar_t* tb = targets.data_ptr<scalar_t>();
  scalar_t* o = out.data_ptr<scalar_t>();
  // Targets as structure-of-arrays [B][field][T], so the inner loop over targets vectorises.
  enum { CX, CY, W, H, X0, Y0, X1, Y1, AREA, FIELDS };
  std::vector<scalar_t> soa(static_cast<size_t>(B * FIELDS * T));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t) {
      const scalar_t* g = tb + (b * T + t) * 4;
      scalar_t* f = soa.data() + b * FIELDS * T + t;
      f[CX * T] = g[0], f[CY * T] = g[1], f[W * T] = g[2], f[H * T] = g[3];
      f[X0 * T] = g[0] - scalar_t(0.5) * g[2], f[Y0 * T] = g[1] - scalar_t(0.5) * g[3];
      f[X1 * T] = g[0] + scalar_t(0.5) * g[2], f[Y1 * T] = g[1] + scalar_t(0.5) * g[3];
      f[AREA * T] = (f[X1 * T] - f[X0 * T]) * (f[Y1 * T] - f[Y0 * T]);
    }
  at::parallel_for(0, B * Q, 64, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t b = row / Q;
      const scalar_t* f = soa.data() + b * FIELDS * T;
      const scalar_t *gcx = f + CX * T, *gcy = f + CY * T, *gw = f + W * T, *gh = f + H * T;
      const scalar_t *gx0 = f + X0 * T, *gy0 = f + Y0 * T, *gx1 = f + X1 * T, *gy1 = f + Y1 * T, *garea = f + AREA * T;
      // prediction box in xyxy: x0 = cx - 0.5 * w, ... (util/box_ops.py box_cxcywh_to_xyxy)
      const scalar_t* p = bx + row * 4;
      const scalar_t pcx = p[0], pcy = p[1], pw = p[2], ph = p[3];
      const scalar_t px0 = pcx - scalar_t(0.5) * pw, py0 = pcy - scalar_t(0.5) * ph;
      const scalar_t px1 = pcx + scalar_t(0.5) * pw, py1 = pcy + scalar_t(0.5) * ph;
      const scalar_t parea = (px1 - px0) * (py1 - py0);
      const scalar_t* crow = cc + row * T;
      scalar_t* orow = o + row * T;
      for (int64_t t = 0; t < T; ++t) {
        // torch.cdist(p=1): |dcx| + |dcy| + |dw| + |dh|
        const scalar_t l1 = std::abs(pcx - gcx[t]) + std::abs(pcy - gcy[t]) + std::abs(pw - gw[t]) + std::abs(ph - gh[t]);
        // box_iou then generalized_box_iou (clamp(min=0) as max with 0)
        const scalar_t iw0 = (px1 < gx1[t] ? px1 : gx1[t]) - (px0 > gx0[t] ? px0 : gx0[t]);
        const scalar_t ih0 = (py1 < gy1[t] ? py1 : gy1[t]) - (py0 > gy0[t] ? py0 : gy0[t]);
        const scalar_t iw = iw0 > 0 ? iw0 : scalar_t(0), ih = ih0 > 0 ? ih0 : scalar_t(0);
        const scalar_t inter = iw * ih;
        const scalar_t uni = parea + garea[t] - inter;
        const scalar_t iou = inter / uni;
        const scalar_t ew0 = (px1 > gx1[t] ? px1 : gx1[t]) - (px0 < gx0[t] ? px0 : gx0[t]);
        const scalar_t eh0 = (py1 > gy1[t] ? py1 : gy1[t]) - (py0 < gy0[t] ? py0 : gy0[t]);
        const scalar_t enclosing = (ew0 > 0 ? ew0 : scalar_t(0)) * (eh0 > 0 ? eh0 : scalar_t(0));
        const scalar_t giou = iou - (enclosing - uni) / enclosing;
        // C = w_bbox * cost_bbox + w_class * cost_class + w_giou * cost_giou, cost_giou = -giou
        orow[t] = l1 * w_l1 + crow[t] * w_class + -giou * w_giou;
      }
    }
  });
}
}  // namespace

// class_cost [B, Q, T] (already gathered at the targets' labels), boxes [B, Q, 4], target boxes [B, T, 4]
// -> the total cost [B, Q, T]. CPU tensors, float32 or float64.
DT_EXPORT dt_tensor dt_match_cost(dt_tensor class_cost, dt_tensor boxes, dt_tensor target_boxes, double w_class,
                                  double w_l1, double w_giou) {
  DT_TRY
  TORCH_CHECK(boxes->device().is_cpu(), "the fused matching cost runs on CPU tensors");
  TORCH_CHECK(boxes->dim() == 3 && boxes->size(2) == 4, "expected boxes [B, Q, 4], got ", boxes->sizes());
  TORCH_CHECK(target_boxes->dim() == 3 && target_boxes->size(2) == 4, "expected target boxes [B, T, 4], got ", target_boxes->sizes());
  TORCH_CHECK(class_cost->dim() == 3 && class_cost->size(0) == boxes->size(0) && class_cost->size(1) == boxes->size(1) &&
                  class_cost->size(2) == target_boxes->size(1),
              "class cost ", class_cost->sizes(), " does not match boxes ", boxes->sizes(), " and targets ", target_boxes->sizes());
  const auto cc = class_cost->contiguous();
  const auto bx = boxes->to(cc.scalar_type()).contiguous();
  const auto tb = target_boxes->to(cc.scalar_type()).contiguous();
  auto out = at::empty(cc.sizes(), cc.options());
  AT_DISPATCH_FLOATING_TYPES(cc.scalar_type(), "dt_match_cost", [&] {
    match_cost_kernel<scalar_t>(cc, bx, tb, out, static_cast<scalar_t>(w_class), static_cast<scalar_t>(w_l1),
                                static_cast<scalar_t>(w_giou));
  });
  return dt_wrap(out);
  DT_CATCH(nullptr)
}
