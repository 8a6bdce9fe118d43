// CPU twin: src/cpu/kernels/attention_bwd.ts
// attention_bwd.wgsl — backward of attention_fwd for each row b, given the feature gradient dc = dfeat[b]:
//   da_t = dc . y_t                       de_t = alpha_t (da_t - sum_s alpha_s da_s)    (softmax backward)
//   ext[t] += alpha_t dc + de_t w         (y_t reaches the loss through the weighted sum and its score)
// over the row's positions t < len_b only (packed row offsets[t] + b). de is written packed ([N]) for the
// parameter gradients, taken over all rows at once afterwards: d(att.w) = y^T de. (d(att.b) = sum de_t is
// identically 0: a score bias cancels in the softmax.) Every ext element is updated by one invocation.
// Dispatch: (min(batch, 65535)), one workgroup per row, rows striding over the batch; geometry as in
// attention_fwd (positions, then columns). Limits: WG a power of two <= 256.

struct Params {
  batch: u32,
  d: u32,            // feature width D
  ld_y: u32,         // row stride of y and ext
  off_offsets: u32,  // ints[off_offsets ..]: [steps + 1] packed row of row 0 at each position
  off_lengths: u32,  // ints[off_lengths ..]: [batch] lengths
  off_w: u32,        // att.w at w[off_w ..]: [D]
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;          // batch integers
@group(0) @binding(1) var<storage, read> w: array<f32>;             // parameters (att.w [D])
@group(0) @binding(2) var<storage, read> y: array<f32>;             // [N, ld_y] top layer output
@group(0) @binding(3) var<storage, read> alpha: array<f32>;         // [N] attention weights (attention_fwd)
@group(0) @binding(4) var<storage, read> dfeat: array<f32>;         // [batch, D] gradient of the context vector
@group(0) @binding(5) var<storage, read_write> ext: array<f32>;     // [N, ld_y] gradient of y (accumulated)
@group(0) @binding(6) var<storage, read_write> dscore: array<f32>;  // [N] de: gradient of each score
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable

var<workgroup> red: array<f32, WG>;

fn reduce_sum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lid < half) { red[lid] += red[lid + half]; }
  }
  workgroupBarrier();
  let r = red[0];
  workgroupBarrier(); // red is written again by the next row's reduction
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let D = p.d;
  for (var b = wg.x; b < p.batch; b += nwg.x) {
    let len = ints[p.off_lengths + b];
    // da_t, kept in dscore until the softmax backward; each invocation touches only its own positions here.
    var s = 0.0;
    for (var t = lid.x; t < len; t += WG) {
      let row = ints[p.off_offsets + t] + b;
      var da = 0.0;
      for (var k = 0u; k < D; k++) { da = fma(dfeat[b * D + k], y[row * p.ld_y + k], da); }
      dscore[row] = da;
      s = fma(alpha[row], da, s);
    }
    s = reduce_sum(s, lid.x);
    for (var t = lid.x; t < len; t += WG) {
      let row = ints[p.off_offsets + t] + b;
      dscore[row] = alpha[row] * (dscore[row] - s);
    }
    // The column pass reads every position's de, written by other invocations.
    storageBarrier();
    for (var k = lid.x; k < D; k += WG) {
      let dc = dfeat[b * D + k];
      let wk = w[p.off_w + k];
      for (var t = 0u; t < len; t++) {
        let row = ints[p.off_offsets + t] + b;
        ext[row * p.ld_y + k] += fma(alpha[row], dc, dscore[row] * wk);
      }
    }
  }
}
