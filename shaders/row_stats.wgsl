// CPU twin: src/cpu/kernels/row_stats.ts
// row_stats.wgsl — adds per-row losses and correct flags (row_ce's `part`) into the step's counters:
//   stats[0] += sum_i part[i];   stats[1] += sum_i part[rows + i];   stats[2] += rows
// One workgroup: invocations stride over rows, then a tree reduction in workgroup memory, so the sums are
// deterministic (no float atomics) and the same on every run. Dispatch: (1). Limits: WG <= 256, a power of 2.

struct Params {
  rows: u32,
}

@group(0) @binding(0) var<storage, read> part: array<f32>;         // [2 * rows] loss | correct per row
@group(0) @binding(1) var<storage, read_write> stats: array<f32>;  // [>= 3] loss sum, correct, count
@group(1) @binding(0) var<uniform> p: Params;

const WG = 256u; // tunable

var<workgroup> loss_sum: array<f32, WG>;
var<workgroup> correct_sum: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var loss = 0.0;
  var correct = 0.0;
  for (var i = lid.x; i < p.rows; i += WG) {
    loss += part[i];
    correct += part[p.rows + i];
  }
  loss_sum[lid.x] = loss;
  correct_sum[lid.x] = correct;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lid.x < half) {
      loss_sum[lid.x] += loss_sum[lid.x + half];
      correct_sum[lid.x] += correct_sum[lid.x + half];
    }
  }
  if (lid.x == 0u) {
    stats[0] += loss_sum[0];
    stats[1] += correct_sum[0];
    stats[2] += f32(p.rows);
  }
}
