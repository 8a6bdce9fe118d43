// CPU twin: src/cpu/kernels/sample.ts
// sample.wgsl — one decoding position of a language model for B rows: draws each row's next symbol from its
// logits and writes it where the next position's input is read.
//   forced (pos < n_prefix):  c = prefix[pos]                    (the --start text, teacher-forced)
//   otherwise:                q_c ∝ exp((logits_c - max) / temperature) over the top_k largest logits
//                             (ties by lower index; top_k = 0: all), c = first c with u·Σq < q_0 + ... + q_c
//   u = (hash(hash(seed ^ hash(pos)) ^ (row_base + row)) >> 8) / 2^24 in [0, 1): a counter-based stream,
//       nothing stored, so the CPU twin draws the same symbol from the same logits, and a name does not
//       depend on how many others are decoded with it (row_base: the batch's first row among all).
//   logp[pos * batch + row] = log softmax(logits)[c]   (the model's own log-probability, temperature 1)
//   ints[off_next + row] = c;  c == end: ints[off_done + row] = pos + 1   (1-based length incl. END)
// A row already done (ints[off_done + row] != 0) writes `end` as its next input and log-prob 0.
// One invocation per row. Dispatch: (ceil(batch / WG)). Limits: classes <= 256 (the tempered values of a row
// live in a private array); top-k costs classes² comparisons per row.

struct Params {
  batch: u32,
  classes: u32,
  pos: u32,          // position being decoded (0 = the START input)
  off_next: u32,     // ints[off_next ..]: [batch] inputs of position pos + 1
  off_done: u32,     // ints[off_done ..]: [batch] 0, or the length (incl. END) of a finished row
  off_prefix: u32,   // ints[off_prefix ..]: [n_prefix] forced symbols
  n_prefix: u32,
  end_id: u32,       // the END class
  top_k: u32,        // 0: no top-k filter
  seed: u32,
  row_base: u32,
  temperature: f32,
}

@group(0) @binding(0) var<storage, read> logits: array<f32>;      // [batch, classes] this position's logits
@group(0) @binding(1) var<storage, read_write> ints: array<u32>;  // decoding integers (inputs, done, prefix)
@group(0) @binding(2) var<storage, read_write> logp: array<f32>;  // [positions, batch] log-prob of each symbol
@group(1) @binding(0) var<uniform> p: Params;

const WG = 64u; // tunable
const MAX_CLASSES = 256u;

fn hash_u32(v: u32) -> u32 {
  let s = v * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= p.batch) { return; }
  if (ints[p.off_done + r] != 0u) {
    ints[p.off_next + r] = p.end_id;
    logp[p.pos * p.batch + r] = 0.0;
    return;
  }
  let o = r * p.classes;
  var m = logits[o];
  for (var c = 1u; c < p.classes; c++) { m = max(m, logits[o + c]); }
  var z = 0.0;
  for (var c = 0u; c < p.classes; c++) { z += exp(logits[o + c] - m); }
  var pick = 0u;
  if (p.pos < p.n_prefix) {
    pick = ints[p.off_prefix + p.pos];
  } else {
    var q: array<f32, MAX_CLASSES>;
    var total = 0.0;
    for (var c = 0u; c < p.classes; c++) {
      let l = logits[o + c];
      var keep = true;
      if (p.top_k > 0u && p.top_k < p.classes) {
        var rank = 0u;
        for (var d = 0u; d < p.classes; d++) {
          let ld = logits[o + d];
          rank += select(0u, 1u, ld > l || (ld == l && d < c));
        }
        keep = rank < p.top_k;
      }
      q[c] = select(0.0, exp((l - m) / p.temperature), keep);
      total += q[c];
    }
    let h = hash_u32(hash_u32(p.seed ^ hash_u32(p.pos)) ^ (p.row_base + r));
    let goal = f32(h >> 8u) * (1.0 / 16777216.0) * total;
    var cum = 0.0;
    for (var c = 0u; c < p.classes; c++) {
      if (q[c] > 0.0) {
        cum += q[c];
        pick = c; // the last symbol with weight, should rounding leave the target past the sum
        if (goal < cum) { break; }
      }
    }
  }
  logp[p.pos * p.batch + r] = logits[o + pick] - m - log(z);
  ints[p.off_next + r] = pick;
  if (pick == p.end_id) { ints[p.off_done + r] = p.pos + 1u; }
}
