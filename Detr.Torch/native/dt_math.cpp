// Elementwise arithmetic, comparisons, logical ops and linear algebra. Mirrors Interop/NativeMethods.Math.cs.
// The elementwise families go through one export each, selected by an op code that the C# side
// names in the same order (Interop/NativeMethods.Math.cs: UnaryOp, BinaryOp).
#include "dt_common.h"
#include <cmath>

namespace {
enum UnaryOp : int32_t {
  NEG, ABS, SIGN, SQRT, RSQRT, EXP, LOG, LOG1P, LOG2, SIGMOID, TANH, SIN, COS, RECIPROCAL, FLOOR, CEIL,
  ROUND, TRUNC, ISNAN, ISINF, ISFINITE, LOGICAL_NOT, ERF, SQUARE, EXPM1
};

at::Tensor unary(const at::Tensor& t, int32_t op) {
  switch (op) {
    case NEG: return t.neg();
    case ABS: return t.abs();
    case SIGN: return t.sign();
    case SQRT: return t.sqrt();
    case RSQRT: return t.rsqrt();
    case EXP: return t.exp();
    case LOG: return t.log();
    case LOG1P: return t.log1p();
    case LOG2: return t.log2();
    case SIGMOID: return t.sigmoid();
    case TANH: return t.tanh();
    case SIN: return t.sin();
    case COS: return t.cos();
    case RECIPROCAL: return t.reciprocal();
    case FLOOR: return t.floor();
    case CEIL: return t.ceil();
    case ROUND: return t.round();
    case TRUNC: return t.trunc();
    case ISNAN: return t.isnan();
    case ISINF: return t.isinf();
    case ISFINITE: return t.isfinite();
    case LOGICAL_NOT: return t.logical_not();
    case ERF: return t.erf();
    case SQUARE: return t.square();
    case EXPM1: return t.expm1();
  }
  TORCH_CHECK(false, "unknown unary op code ", op);
}

enum BinaryOp : int32_t {
  ADD, SUB, MUL, DIV, POW, ATAN2, MINIMUM, MAXIMUM, EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR,
  LOGICAL_XOR, REMAINDER, FLOOR_DIVIDE, RSUB, RDIV
};

at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int32_t op) {
  switch (op) {
    case ADD: return at::add(a, b);
    case SUB: return at::sub(a, b);
    case MUL: return at::mul(a, b);
    case DIV: return at::div(a, b);
    case POW: return at::pow(a, b);
    case ATAN2: return at::atan2(a, b);
    case MINIMUM: return at::minimum(a, b);
    case MAXIMUM: return at::maximum(a, b);
    case EQ: return at::eq(a, b);
    case NE: return at::ne(a, b);
    case LT: return at::lt(a, b);
    case LE: return at::le(a, b);
    case GT: return at::gt(a, b);
    case GE: return at::ge(a, b);
    case LOGICAL_AND: return at::logical_and(a, b);
    case LOGICAL_OR: return at::logical_or(a, b);
    case LOGICAL_XOR: return at::logical_xor(a, b);
    case REMAINDER: return at::remainder(a, b);
    case FLOOR_DIVIDE: return at::div(a, b, "floor");
    case RSUB: return at::sub(b, a);
    case RDIV: return at::div(b, a);
  }
  TORCH_CHECK(false, "unknown binary op code ", op);
}

// Tensor-scalar forms use ATen's Scalar overloads, so type promotion treats the scalar as a
// "wrapped number" exactly as Python does (int tensor * 0.5 -> float, float32 stays float32).
at::Tensor binary_scalar(const at::Tensor& a, const at::Scalar& s, int32_t op) {
  switch (op) {
    case ADD: return at::add(a, s);
    case SUB: return at::sub(a, s);
    case MUL: return at::mul(a, s);
    case DIV: return at::div(a, s);
    case POW: return at::pow(a, s);
    case EQ: return at::eq(a, s);
    case NE: return at::ne(a, s);
    case LT: return at::lt(a, s);
    case LE: return at::le(a, s);
    case GT: return at::gt(a, s);
    case GE: return at::ge(a, s);
    case REMAINDER: return at::remainder(a, s);
    case FLOOR_DIVIDE: return at::div(a, s, "floor");
    case RSUB: return at::rsub(a, s);
    case RDIV: return at::reciprocal(a).mul(s);
    case MINIMUM: return at::clamp_max(a, s);
    case MAXIMUM: return at::clamp_min(a, s);
  }
  TORCH_CHECK(false, "op code ", op, " has no tensor-scalar form");
}
// A double scalar with an integral value acts as an integer scalar on integer tensors (C# has no separate
// literal types at our API), so `idx + 1` and `idx.ClampMin(0)` stay int64; other doubles promote as in PyTorch.
at::Scalar scalar_for(const at::Tensor& t, double v) {
  if (at::isIntegralType(t.scalar_type(), /*includeBool=*/false) && std::floor(v) == v && std::abs(v) < 9.0e15)
    return at::Scalar(static_cast<int64_t>(v));
  return at::Scalar(v);
}
}  // namespace

DT_EXPORT dt_tensor dt_unary(dt_tensor t, int32_t op) {
  DT_TRY
  return dt_wrap(unary(*t, op));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_binary(dt_tensor a, dt_tensor b, int32_t op) {
  DT_TRY
  return dt_wrap(binary(*a, *b, op));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_binary_scalar(dt_tensor a, double s, int32_t op) {
  DT_TRY
  return dt_wrap(binary_scalar(*a, scalar_for(*a, s), op));
  DT_CATCH(nullptr)
}

// Scalar base, tensor exponent (e.g. temperature ** (2 * i / d) in sine embeddings).
DT_EXPORT dt_tensor dt_scalar_pow(double base, dt_tensor exponent) {
  DT_TRY
  return dt_wrap(at::pow(at::Scalar(base), *exponent));
  DT_CATCH(nullptr)
}

// this + alpha * other.
DT_EXPORT dt_tensor dt_add(dt_tensor a, dt_tensor b, double alpha) {
  DT_TRY
  return dt_wrap(at::add(*a, *b, alpha));
  DT_CATCH(nullptr)
}

// In place: a op= b for ADD, SUB, MUL, DIV (alpha scales b for ADD/SUB).
DT_EXPORT int32_t dt_binary_(dt_tensor a, dt_tensor b, int32_t op, double alpha) {
  DT_TRY
  switch (op) {
    case ADD: a->add_(*b, alpha); break;
    case SUB: a->sub_(*b, alpha); break;
    case MUL: a->mul_(*b); break;
    case DIV: a->div_(*b); break;
    default: TORCH_CHECK(false, "op code ", op, " has no in-place form");
  }
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_binary_scalar_(dt_tensor a, double s, int32_t op) {
  DT_TRY
  switch (op) {
    // scalar_for: an integral tensor gets an integral scalar, so `steps += 1` stays int64.
    case ADD: a->add_(scalar_for(*a, s)); break;
    case SUB: a->sub_(scalar_for(*a, s)); break;
    case MUL: a->mul_(scalar_for(*a, s)); break;
    case DIV: a->div_(s); break;
    default: TORCH_CHECK(false, "op code ", op, " has no in-place scalar form");
  }
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_fill_(dt_tensor t, double value) {
  DT_TRY
  t->fill_(value);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT int32_t dt_zero_(dt_tensor t) {
  DT_TRY
  t->zero_();
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// Bounds are optional: has_min / has_max say which apply.
DT_EXPORT dt_tensor dt_clamp(dt_tensor t, int32_t has_min, double min, int32_t has_max, double max) {
  DT_TRY
  c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(scalar_for(*t, min)) : c10::nullopt;
  c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(scalar_for(*t, max)) : c10::nullopt;
  return dt_wrap(t->clamp(lo, hi));
  DT_CATCH(nullptr)
}

DT_EXPORT int32_t dt_clamp_(dt_tensor t, int32_t has_min, double min, int32_t has_max, double max) {
  DT_TRY
  c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(scalar_for(*t, min)) : c10::nullopt;
  c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(scalar_for(*t, max)) : c10::nullopt;
  t->clamp_(lo, hi);
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

DT_EXPORT dt_tensor dt_matmul(dt_tensor a, dt_tensor b) {
  DT_TRY
  return dt_wrap(at::matmul(*a, *b));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_mm(dt_tensor a, dt_tensor b) {
  DT_TRY
  return dt_wrap(at::mm(*a, *b));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_bmm(dt_tensor a, dt_tensor b) {
  DT_TRY
  return dt_wrap(at::bmm(*a, *b));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_outer(dt_tensor a, dt_tensor b) {
  DT_TRY
  return dt_wrap(at::outer(*a, *b));
  DT_CATCH(nullptr)
}

DT_EXPORT dt_tensor dt_einsum(const char* equation, const dt_tensor* tensors, int32_t n) {
  DT_TRY
  return dt_wrap(at::einsum(equation, dt_list(tensors, n)));
  DT_CATCH(nullptr)
}

// Pairwise p-norm distances between the rows of a [.., P, M] and b [.., R, M] -> [.., P, R].
DT_EXPORT dt_tensor dt_cdist(dt_tensor a, dt_tensor b, double p) {
  DT_TRY
  return dt_wrap(at::cdist(*a, *b, p));
  DT_CATCH(nullptr)
}

DT_EXPORT int32_t dt_allclose(dt_tensor a, dt_tensor b, double rtol, double atol, int32_t equal_nan) {
  DT_TRY
  return at::allclose(*a, *b, rtol, atol, equal_nan != 0) ? 1 : 0;
  DT_CATCH(DT_FAIL)
}
