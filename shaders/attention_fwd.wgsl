// CPU twin: src/cpu/kernels/attention_fwd.ts
// attention_fwd.wgsl — attention over the top layer's outputs, the classifier's feature instead of
// final_gather's. For each row b of the batch, over its own positions t < len_b only:
//   e_t = w . y_t + bias        alpha_t = exp(e_t - max_s e_s) / sum_s exp(e_s - max_s e_s)
//   feat[b] = sum_t alpha_t y_t                                            ([D], D = directions x H)
// Position t of row b is packed row offsets[t] + b, so positions beyond len_b (padding in a [B, T] view)
// are never read and get no weight. alpha is written packed ([N], one weight per packed row); the backward
// pass and Network.readAttention read it there.
// Dispatch: (min(batch, 65535)), one workgroup per row, rows striding over the batch. Scores: one
// invocation per position (rows are short) walking the D values; max and sum by a tree reduction in
// workgroup memory (deterministic); the weighted sum: one invocation per column k, walking the positions.
// Limits: WG a power of two <= 256.

struct Params {
  batch: u32,
  d: u32,            // feature width D (directions x H)
  ld_y: u32,         // row stride of y
  off_offsets: u32,  // ints[off_offsets ..]: [steps + 1] packed row of row 0 at each position
  off_lengths: u32,  // ints[off_lengths ..]: [batch] lengths (sorted, longest first)
  off_w: u32,        // att.w at w[off_w ..]: [D]
  off_b: u32,        // att.b at w[off_b]
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;         // batch integers
@group(0) @binding(1) var<storage, read> w: array<f32>;            // parameters (att.w [D], att.b [1])
@group(0) @binding(2) var<storage, read> y: array<f32>;            // [N, ld_y] top layer output
@group(0) @binding(3) var<storage, read_write> alpha: array<f32>;  // [N] attention weight of each packed row
@group(0) @binding(4) var<storage, read_write> feat: array<f32>;   // [batch, D] context vector per row
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable

var<workgroup> red: array<f32, WG>;

fn reduce_max(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lid < half) { red[lid] = max(red[lid], red[lid + half]); }
  }
  workgroupBarrier();
  let r = red[0];
  workgroupBarrier(); // red is written again by the next reduction
  return r;
}

fn reduce_sum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lid < half) { red[lid] += red[lid + half]; }
  }
  workgroupBarrier();
  let r = red[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let D = p.d;
  for (var b = wg.x; b < p.batch; b += nwg.x) {
    let len = ints[p.off_lengths + b];
    // Scores, kept in alpha until normalized; each invocation touches only its own positions here.
    var m = -3.4e38; // below every finite score (invocations without a position keep it)
    for (var t = lid.x; t < len; t += WG) {
      let row = ints[p.off_offsets + t] + b;
      var e = w[p.off_b];
      for (var k = 0u; k < D; k++) { e = fma(w[p.off_w + k], y[row * p.ld_y + k], e); }
      alpha[row] = e;
      m = max(m, e);
    }
    m = reduce_max(m, lid.x);
    var s = 0.0;
    for (var t = lid.x; t < len; t += WG) {
      let row = ints[p.off_offsets + t] + b;
      let ex = exp(alpha[row] - m);
      alpha[row] = ex;
      s += ex;
    }
    s = reduce_sum(s, lid.x);
    for (var t = lid.x; t < len; t += WG) {
      let row = ints[p.off_offsets + t] + b;
      alpha[row] = alpha[row] / s;
    }
    // The weighted sum reads every position's weight, written by other invocations.
    storageBarrier();
    for (var k = lid.x; k < D; k += WG) {
      var c = 0.0;
      for (var t = 0u; t < len; t++) {
        let row = ints[p.off_offsets + t] + b;
        c = fma(alpha[row], y[row * p.ld_y + k], c);
      }
      feat[b * D + k] = c;
    }
  }
}
