// CPU twin: src/cpu/kernels/gemm.ts
// gemm.wgsl — general matrix product with optional bias and accumulation:
//   C[m, n] = (ACCUMULATE ? C[m, n] : 0) + sum_k A(m, k) * B(k, n) + (has_bias ? bias[n] : 0)
//   A(m, k) = TRANS_A ? a[off_a + k*lda + m] : a[off_a + m*lda + k]
//   B(k, n) = TRANS_B ? b[off_b + n*ldb + k] : b[off_b + k*ldb + n]
// Uses: layer > 0 input projections (X W_ih + b), weight gradients (X^T dG, TRANS_A) and input gradients
// (dG W_ih^T, TRANS_B), the head (feat W_out + b) and its gradients.
// Register blocking, no workgroup memory: each invocation owns a TM x TN block of C. Rows come from
// local_invocation_id.y (uniform across a SIMD row of x-invocations, so A loads are broadcasts) and
// columns are interleaved by WG_X (neighbouring invocations read neighbouring B and C elements).
// Dispatch: (ceil(n / (WG_X*TN)), ceil(m / (WG_Y*TM))). Limits: WG_X*WG_Y <= 256 invocations.

struct Params {
  m: u32,
  n: u32,
  k: u32,
  off_a: u32,
  lda: u32,
  off_b: u32,
  ldb: u32,
  off_c: u32,
  ldc: u32,
  off_bias: u32,
  has_bias: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;         // A, [m, k] or [k, m] (TRANS_A), row stride lda
@group(0) @binding(1) var<storage, read> b: array<f32>;         // B, [k, n] or [n, k] (TRANS_B), row stride ldb
@group(0) @binding(2) var<storage, read> bias: array<f32>;      // [n] at off_bias (read when has_bias = 1)
@group(0) @binding(3) var<storage, read_write> c: array<f32>;   // C, [m, n], row stride ldc
@group(1) @binding(0) var<uniform> p: Params;

const WG_X = 16u; // tunable
const WG_Y = 4u; // tunable
const TM = 4u; // tunable
const TN = 4u; // tunable
const TRANS_A = 0u; // tunable
const TRANS_B = 0u; // tunable
const ACCUMULATE = 0u; // tunable

fn load_a(row: u32, kk: u32) -> f32 {
  if (TRANS_A == 1u) { return a[p.off_a + kk * p.lda + row]; }
  return a[p.off_a + row * p.lda + kk];
}

fn load_b(kk: u32, col: u32) -> f32 {
  if (TRANS_B == 1u) { return b[p.off_b + col * p.ldb + kk]; }
  return b[p.off_b + kk * p.ldb + col];
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row0 = (wg.y * WG_Y + lid.y) * TM;
  let col0 = wg.x * WG_X * TN + lid.x;
  var acc: array<f32, TM * TN>;
  // Out-of-range rows/columns read row/column 0 (always valid) and are never written.
  var rows: array<u32, TM>;
  var cols: array<u32, TN>;
  for (var i = 0u; i < TM; i++) { rows[i] = select(0u, row0 + i, row0 + i < p.m); }
  for (var j = 0u; j < TN; j++) { cols[j] = select(0u, col0 + j * WG_X, col0 + j * WG_X < p.n); }
  for (var kk = 0u; kk < p.k; kk++) {
    var av: array<f32, TM>;
    for (var i = 0u; i < TM; i++) { av[i] = load_a(rows[i], kk); }
    for (var j = 0u; j < TN; j++) {
      let bv = load_b(kk, cols[j]);
      for (var i = 0u; i < TM; i++) { acc[i * TN + j] = fma(av[i], bv, acc[i * TN + j]); }
    }
  }
  for (var i = 0u; i < TM; i++) {
    let row = row0 + i;
    if (row >= p.m) { break; }
    for (var j = 0u; j < TN; j++) {
      let col = col0 + j * WG_X;
      if (col >= p.n) { break; }
      var v = acc[i * TN + j];
      if (p.has_bias == 1u) { v += bias[p.off_bias + col]; }
      let idx = p.off_c + row * p.ldc + col;
      if (ACCUMULATE == 1u) { v += c[idx]; }
      c[idx] = v;
    }
  }
}
