// CPU twin: src/cpu/kernels/row_ce.ts
// row_ce.wgsl — softmax cross-entropy at every packed row (the per-position loss of a language model, or of
// any per-position labelling task), with its gradient:
//   loss_i = logsumexp(logits_i) - logits_i[target_i]                      for i < rows
//   dlogits[i, c] = (softmax(logits_i)[c] - [c == target_i]) * scale       (scale = 1 / rows: the mean)
//   part[i] = loss_i,  part[rows + i] = [argmax(logits_i) == target_i]    (summed by row_stats, no atomics)
// Targets are one per packed row, in the packed order (ints[off_targets + i]). Rows are independent: one
// invocation per row. Dispatch: (ceil(rows / WG)). Limits: rows <= 65535 * WG.

struct Params {
  rows: u32,
  classes: u32,
  off_targets: u32,  // ints[off_targets ..]: [rows] target class of each packed row
  scale: f32,        // gradient scale: 1 / (target symbols in the batch)
  write_grad: u32,   // 0 in evaluation: only the per-row losses
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;           // batch integers (targets)
@group(0) @binding(1) var<storage, read> logits: array<f32>;         // [rows, classes]
@group(0) @binding(2) var<storage, read_write> dlogits: array<f32>;  // [rows, classes]
@group(0) @binding(3) var<storage, read_write> part: array<f32>;     // [2 * rows] loss | correct per row
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= p.rows) { return; }
  let o = i * p.classes;
  var m = logits[o];
  var arg = 0u;
  for (var c = 1u; c < p.classes; c++) {
    if (logits[o + c] > m) { m = logits[o + c]; arg = c; }
  }
  var s = 0.0;
  for (var c = 0u; c < p.classes; c++) { s += exp(logits[o + c] - m); }
  let tgt = ints[p.off_targets + i];
  part[i] = m + log(s) - logits[o + tgt];
  part[p.rows + i] = select(0.0, 1.0, arg == tgt);
  if (p.write_grad == 1u) {
    for (var c = 0u; c < p.classes; c++) {
      dlogits[o + c] = (exp(logits[o + c] - m) / s - select(0.0, 1.0, c == tgt)) * p.scale;
    }
  }
}
