// CPU twin: src/cpu/kernels/dropout.ts
// dropout.wgsl — inverted dropout with a counter-based mask (no random state to store or upload):
//   keep(i) = hash(i ^ hash(seed)) >= threshold          (threshold = round(p * 2^32))
//   y[i] = keep(i) ? x[i] * scale : 0                    (scale = 1 / (1 - p))
// The mask depends only on (seed, i), so the backward pass applies the same kernel with the same seed to the
// gradient (dx = keep ? dy * scale : 0), and the CPU twin reproduces the mask bit for bit. `x` and `y` may be
// the same buffer region only through distinct bindings, so the network uses separate buffers.
// Dispatch: (min(ceil(n / WG), 65535), ceil(ceil(n / WG) / 65535)): element i = gid.x + gid.y * (grid x * WG),
// so n may exceed the 65535-workgroup limit of one dimension. Limits: WG <= 256.

struct Params {
  n: u32,
  off_x: u32,
  off_y: u32,
  seed: u32,
  threshold: u32,  // drop when the hash is below this
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;          // [n] input (or output gradient)
@group(0) @binding(1) var<storage, read_write> y: array<f32>;    // [n] output (or input gradient)
@group(1) @binding(0) var<uniform> p: Params;

const WG = 256u; // tunable

// PCG-style integer hash (O'Neill's RXS-M-XS output of one LCG step): cheap and well mixed.
fn hash_u32(v: u32) -> u32 {
  let s = v * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let keep = hash_u32(i ^ hash_u32(p.seed)) >= p.threshold;
  y[p.off_y + i] = select(0.0, x[p.off_x + i] * p.scale, keep);
}
