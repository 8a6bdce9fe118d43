// CPU twin: src/cpu/kernels/sgd.ts
// sgd.wgsl — SGD with optional momentum over the flat parameter vector, as torch.optim.SGD (dampening 0):
//   g = grad * stats[4];  buf = momentum * buf + g;  param -= lr * (momentum > 0 ? buf : g)
// A step whose clip scale is 0 (non-finite gradient) changes nothing.
// Dispatch: (ceil(n / WG)). Limits: WG <= 256.

struct Params {
  n: u32,
  lr: f32,
  momentum: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;  // [n] flat parameters
@group(0) @binding(1) var<storage, read> grad: array<f32>;         // [n] flat gradients
@group(0) @binding(2) var<storage, read_write> buf: array<f32>;    // [n] momentum buffer
@group(0) @binding(3) var<storage, read> stats: array<f32>;        // [8]: stats[4] = clip scale
@group(1) @binding(0) var<uniform> p: Params;

const WG = 256u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  // scale 0 marks a non-finite gradient (grad_clip.wgsl): skip the update, keep the last good values.
  if (i >= p.n || stats[4] == 0.0) { return; }
  let g = grad[i] * stats[4];
  if (p.momentum > 0.0) {
    let b = p.momentum * buf[i] + g;
    buf[i] = b;
    param[i] -= p.lr * b;
  } else {
    param[i] -= p.lr * g;
  }
}
