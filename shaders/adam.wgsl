// adam.wgsl — Adam update over the flat parameter vector, as torch.optim.Adam (no weight decay) after
// clipping, with bias corrections folded into two scalars computed on the host:
//   g = grad * stats[4];  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   param -= step_size * m / (sqrt(v) / bc2_sqrt + eps)     step_size = lr / (1 - b1^t), bc2_sqrt = sqrt(1 - b2^t)
// A step whose clip scale is 0 (non-finite gradient) changes nothing.
// Dispatch: (ceil(n / WG)). Limits: WG <= 256.

struct Params {
  n: u32,
  step_size: f32,
  bc2_sqrt: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;  // [n] flat parameters
@group(0) @binding(1) var<storage, read> grad: array<f32>;         // [n] flat gradients
@group(0) @binding(2) var<storage, read_write> m: array<f32>;      // [n] first moment
@group(0) @binding(3) var<storage, read_write> v: array<f32>;      // [n] second moment
@group(0) @binding(4) var<storage, read> stats: array<f32>;        // [8]: stats[4] = clip scale
@group(1) @binding(0) var<uniform> p: Params;

const WG = 256u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  // scale 0 marks a non-finite gradient (grad_clip.wgsl): skip the update, keep the last good values.
  if (i >= p.n || stats[4] == 0.0) { return; }
  let g = grad[i] * stats[4];
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] -= p.step_size * mi / (sqrt(vi) / p.bc2_sqrt + p.eps);
}
