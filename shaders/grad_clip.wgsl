// CPU twin: src/cpu/kernels/grad_clip.ts
// grad_clip.wgsl — second half of the global gradient norm, and the clipping factor (as PyTorch's
// clip_grad_norm_):
//   norm = sqrt(sum partial);   scale = (max_norm > 0 && norm > max_norm) ? max_norm / (norm + 1e-6) : 1
//   stats[3] = norm;  stats[4] = scale     (the optimizer multiplies every gradient by stats[4])
// Also counts non-finite norms in stats[5], so the host learns of a NaN/Inf without reading gradients.
// Dispatch: (1). Limits: WG <= 256 and a power of two.

struct Params {
  parts: u32,
  max_norm: f32,  // 0: no clipping
}

@group(0) @binding(0) var<storage, read> partial: array<f32>;     // [parts]
@group(0) @binding(1) var<storage, read_write> stats: array<f32>;  // [8]
@group(1) @binding(0) var<uniform> p: Params;

const WG = 256u; // tunable

var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = lid.x; i < p.parts; i += WG) { s += partial[i]; }
  sums[lid.x] = s;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lid.x < half) { sums[lid.x] += sums[lid.x + half]; }
  }
  if (lid.x == 0u) {
    let norm = sqrt(sums[0]);
    var scale = 1.0;
    if (p.max_norm > 0.0 && norm > p.max_norm) { scale = p.max_norm / (norm + 1e-6); }
    // A NaN norm fails every comparison; detect it (and inf) explicitly and skip the update.
    let finite = norm == norm && norm <= 3.0e38;
    if (!finite) { scale = 0.0; stats[5] += 1.0; }
    stats[3] = norm;
    stats[4] = scale;
  }
}
