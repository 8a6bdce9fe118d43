// CPU twin: src/cpu/kernels/adam.ts
// adam.wgsl — Adam update over the flat parameter vector, as torch.optim.Adam (no weight decay) after
// clipping, with bias corrections folded into two scalars computed on the host:
//   g = grad * stats[4];  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   param -= step_size * m / (sqrt(v) / bc2_sqrt + eps)     step_size = lr / (1 - b1^t), bc2_sqrt = sqrt(1 - b2^t)
// A step whose clip scale is 0 (non-finite gradient) changes nothing.
// An invocation updates ITEMS elements, i = wg·WG·ITEMS + t·WG + lid (neighbouring invocations touch
// neighbouring elements), loading the clip scale once for all of them (loads dominate on software adapters).
// Dispatch: (ceil(n / (WG·ITEMS))). Limits: WG <= 256.

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
const ITEMS = 1u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  // scale 0 marks a non-finite gradient (grad_clip.wgsl): skip the update, keep the last good values.
  let scale = stats[4];
  if (scale == 0.0) { return; }
  let base = wg.x * WG * ITEMS + lid.x;
  for (var t = 0u; t < ITEMS; t++) {
    let i = base + t * WG;
    if (i >= p.n) { break; }
    let g = grad[i] * scale;
    let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
    let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= p.step_size * mi / (sqrt(vi) / p.bc2_sqrt + p.eps);
  }
}
