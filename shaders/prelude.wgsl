// prelude.wgsl — prepended by the runtime to every kernel (WGSL has no #include).
// Clamped activations: exp() of a large argument overflows to inf, and inf/inf is NaN, so the inputs are
// clamped where the result is already 0 or 1 to f32 precision. The CPU twins clamp identically.

fn sigmoid_c(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-clamp(x, -30.0, 30.0)));
}

fn tanh_c(x: f32) -> f32 {
  let e = exp(2.0 * clamp(x, -15.0, 15.0));
  return (e - 1.0) / (e + 1.0);
}
