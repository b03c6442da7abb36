// Optimizer steps and gradient clipping, one native call over all parameters of a group.
// Mirrors Interop/NativeMethods.Optim.cs. Parameters without a gradient are skipped, as in PyTorch.
#include "dt_common.h"
#include <ATen/core/grad_mode.h>
#include <cmath>

// torch.optim.AdamW (PyTorch 1.13, single-tensor path, amsgrad off) for n parameters; `steps` holds each
// parameter's step count and is incremented here.
DT_EXPORT int32_t dt_adamw_step(const dt_tensor* params, const dt_tensor* exp_avgs, const dt_tensor* exp_avg_sqs,
                                int64_t* steps, int32_t n, double lr, double beta1, double beta2, double eps,
                                double weight_decay) {
  DT_TRY
  at::NoGradGuard no_grad;
  for (int32_t i = 0; i < n; ++i) {
    at::Tensor& param = *params[i];
    const at::Tensor& grad = param.grad();
    if (!grad.defined()) continue;
    const int64_t step = ++steps[i];
    param.mul_(1 - lr * weight_decay);  // decoupled weight decay (Loshchilov & Hutter)
    exp_avgs[i]->mul_(beta1).add_(grad, 1 - beta1);
    exp_avg_sqs[i]->mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
    const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
    const double step_size = lr / bias_correction1;
    const auto denom = (exp_avg_sqs[i]->sqrt() / std::sqrt(bias_correction2)).add_(eps);
    param.addcdiv_(*exp_avgs[i], denom, -step_size);
  }
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// torch.optim.SGD (1.13): a momentum buffer starts as a copy of the first gradient (first[i] = 1 marks
// a buffer that has not been written yet; the managed side allocates it with the parameter's shape).
DT_EXPORT int32_t dt_sgd_step(const dt_tensor* params, const dt_tensor* momentum_buffers, int32_t* first, int32_t n,
                              double lr, double momentum, double dampening, double weight_decay, int32_t nesterov) {
  DT_TRY
  at::NoGradGuard no_grad;
  for (int32_t i = 0; i < n; ++i) {
    at::Tensor& param = *params[i];
    if (!param.grad().defined()) continue;
    at::Tensor d_p = param.grad();
    if (weight_decay != 0) d_p = d_p.add(param, weight_decay);
    if (momentum != 0) {
      at::Tensor& buf = *momentum_buffers[i];
      if (first[i]) {
        buf.copy_(d_p);
        first[i] = 0;
      } else {
        buf.mul_(momentum).add_(d_p, 1 - dampening);
      }
      d_p = nesterov ? d_p.add(buf, momentum) : buf;
    }
    param.add_(d_p, -lr);
  }
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// torch.nn.utils.clip_grad_norm_ (1.13): total norm of all gradients, then every gradient scaled by
// min(1, max_norm / (total + 1e-6)). Returns the total norm (before clipping) in *total; a max_norm
// <= 0 only measures.
DT_EXPORT int32_t dt_clip_grad_norm(const dt_tensor* params, int32_t n, double max_norm, double norm_type,
                                    double* total) {
  DT_TRY
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> grads;
  for (int32_t i = 0; i < n; ++i)
    if (params[i]->grad().defined()) grads.push_back(params[i]->grad());
  if (grads.empty()) {
    *total = 0;
    return DT_OK;
  }
  at::Tensor total_norm;
  if (std::isinf(norm_type)) {
    std::vector<at::Tensor> maxes;
    for (auto& g : grads) maxes.push_back(g.detach().abs().max());
    total_norm = at::stack(maxes).max();
  } else {
    std::vector<at::Tensor> norms;
    for (auto& g : grads) norms.push_back(at::norm(g.detach(), norm_type));
    total_norm = at::norm(at::stack(norms), norm_type);
  }
  if (max_norm > 0) {
    const auto clip_coef = (max_norm / (total_norm + 1e-6)).clamp_max(1.0);
    for (auto& g : grads) g.mul_(clip_coef.to(g.device()));
  }
  *total = total_norm.item<double>();
  return DT_OK;
  DT_CATCH(DT_FAIL)
}
