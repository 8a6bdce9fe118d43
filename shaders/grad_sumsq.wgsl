// CPU twin: src/cpu/kernels/grad_sumsq.ts
// grad_sumsq.wgsl — first half of the global gradient norm: one partial sum of squares per workgroup,
//   partial[w] = sum of g[i]^2 over the w-th chunk of WG * ITEMS elements
// Tree reduction in workgroup memory (deterministic, no atomics). Dispatch: (ceil(n / (WG*ITEMS))).
// Limits: WG <= 256 and a power of two.

struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;              // [n] flat gradients
@group(0) @binding(1) var<storage, read_write> partial: array<f32>;  // [workgroups]
@group(1) @binding(0) var<uniform> p: Params;

const WG = 256u; // tunable
const ITEMS = 16u; // tunable

var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  let base = wg.x * WG * ITEMS;
  for (var i = 0u; i < ITEMS; i++) {
    let idx = base + i * WG + lid.x;
    if (idx < p.n) { s = fma(g[idx], g[idx], s); }
  }
  sums[lid.x] = s;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lid.x < half) { sums[lid.x] += sums[lid.x + half]; }
  }
  if (lid.x == 0u) { partial[wg.x] = sums[0]; }
}
