// CPU twin: src/cpu/kernels/softmax_ce.ts
// softmax_ce.wgsl — softmax cross-entropy over the classes, a (class-weighted) mean over the batch, with
// its gradient (PyTorch's CrossEntropyLoss(weight=w), reduction 'mean'):
//   loss_b = logsumexp(logits_b) - logits_b[label_b]
//   objective = sum_b w[label_b] loss_b * scale                           (scale = 1 / sum_b w[label_b])
//   dlogits[b, c] = w[label_b] (softmax(logits_b)[c] - [c == label_b]) * scale
//   stats[0] += sum_b loss_b (unweighted, comparable across weightings);  stats[1] += #correct;  stats[2] += batch
// With all weights 1 this is the plain mean over the batch.
// One workgroup: invocations stride over rows, then a tree reduction in workgroup memory, so the sums need
// no float atomics and are deterministic. Dispatch: (1). Limits: WG <= 256 (and a power of two).

struct Params {
  batch: u32,
  classes: u32,
  off_labels: u32,  // ints[off_labels ..]: [batch]
  scale: f32,       // 1 / sum over the batch of class_w[label]
  write_grad: u32,  // 0 in evaluation: only stats
}

@group(0) @binding(0) var<storage, read> ints: array<u32>;           // batch integers (labels)
@group(0) @binding(1) var<storage, read> logits: array<f32>;         // [batch, classes]
@group(0) @binding(2) var<storage, read_write> dlogits: array<f32>;  // [batch, classes]
@group(0) @binding(3) var<storage, read> class_w: array<f32>;        // [classes] loss weight per class
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;    // [4] loss sum, correct, count, -
@group(1) @binding(0) var<uniform> p: Params;

const WG = 256u; // tunable

var<workgroup> loss_sum: array<f32, WG>;
var<workgroup> correct_sum: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var loss = 0.0;
  var correct = 0.0;
  for (var b = lid.x; b < p.batch; b += WG) {
    let o = b * p.classes;
    var m = logits[o];
    var arg = 0u;
    for (var c = 1u; c < p.classes; c++) {
      if (logits[o + c] > m) { m = logits[o + c]; arg = c; }
    }
    var s = 0.0;
    for (var c = 0u; c < p.classes; c++) { s += exp(logits[o + c] - m); }
    let label = ints[p.off_labels + b];
    loss += m + log(s) - logits[o + label];
    correct += select(0.0, 1.0, arg == label);
    if (p.write_grad == 1u) {
      let g = class_w[label] * p.scale;
      for (var c = 0u; c < p.classes; c++) {
        let q = exp(logits[o + c] - m) / s;
        dlogits[o + c] = (q - select(0.0, 1.0, c == label)) * g;
      }
    }
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
    stats[2] += f32(p.batch);
  }
}
