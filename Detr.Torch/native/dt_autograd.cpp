// Autograd: gradient flags, backward, accumulated gradients, detach, torch.autograd.grad.
// Mirrors Interop/NativeMethods.Autograd.cs.
#include "dt_common.h"
#include <torch/csrc/autograd/autograd.h>

DT_EXPORT int32_t dt_requires_grad(dt_tensor t) {
  DT_TRY
  return t->requires_grad() ? 1 : 0;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_set_requires_grad(dt_tensor t, int32_t requires) {
  DT_TRY
  t->requires_grad_(requires != 0);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_is_leaf(dt_tensor t) {
  DT_TRY
  return t->is_leaf() ? 1 : 0;
  DT_CATCH(DT_FAIL)
}

// gradient may be null (scalar outputs).
DT_EXPORT int32_t dt_backward(dt_tensor t, dt_tensor gradient, int32_t retain_graph, int32_t create_graph) {
  DT_TRY
  t->backward(gradient ? *gradient : at::Tensor(), c10::optional<bool>(retain_graph != 0), create_graph != 0);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// Writes a new handle to the accumulated gradient into *out, or null when there is none.
DT_EXPORT int32_t dt_grad(dt_tensor t, dt_tensor* out) {
  DT_TRY
  const auto& g = t->grad();
  *out = g.defined() ? dt_wrap(g) : nullptr;
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// Replaces the accumulated gradient (null: none, as PyTorch's zero_grad(set_to_none=True)).
DT_EXPORT int32_t dt_set_grad(dt_tensor t, dt_tensor grad) {
  DT_TRY
  t->mutable_grad() = grad ? *grad : at::Tensor();
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT dt_tensor dt_detach(dt_tensor t) {
  DT_TRY
  return dt_wrap(t->detach());
  DT_CATCH(nullptr)
}

DT_EXPORT int32_t dt_detach_(dt_tensor t) {
  DT_TRY
  t->detach_();
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// torch.autograd.grad(outputs, inputs, grad_outputs?, retain_graph, create_graph, allow_unused):
// writes one handle per input into `out` (null where unused).
DT_EXPORT int32_t dt_autograd_grad(const dt_tensor* outputs, int32_t n_out, const dt_tensor* grad_outputs,
                                   const dt_tensor* inputs, int32_t n_in, int32_t retain_graph, int32_t create_graph,
                                   int32_t allow_unused, dt_tensor* out) {
  DT_TRY
  std::vector<at::Tensor> grad_out;
  if (grad_outputs) {
    for (int32_t i = 0; i < n_out; ++i) grad_out.push_back(grad_outputs[i] ? *grad_outputs[i] : at::Tensor());
  }
  auto grads = torch::autograd::grad(dt_list(outputs, n_out), dt_list(inputs, n_in), grad_out,
                                     c10::optional<bool>(retain_graph != 0), create_graph != 0, allow_unused != 0);
  for (int32_t i = 0; i < n_in; ++i) out[i] = grads[i].defined() ? dt_wrap(grads[i]) : nullptr;
  return DT_OK;
  DT_CATCH(DT_FAIL)
}
