// seq_walk.wgsl — the time-schedule walk shared by the whole-sequence kernels (shaders/<cell>_seq_fwd|bwd.wgsl),
// prepended to each by the registry (src/kernels.ts); its CPU side is src/cpu/kernels/seq_walk.ts. It is the
// kernels' entry point: `main` walks the blocks and positions and calls the kernel's
//   const SEQ_BACKWARD: bool                  false: the forward pass; true: backpropagation through time
//   fn seq_state_in_ws() -> bool              whether the state carried between positions is in workgroup memory
//   fn seq_begin_block(lid: u32)              before a block's first position (e.g. zero that state)
//   fn seq_position(lid, r0, len, st, s)      one position for the block's rows
// and uses what every such kernel declares: `ints` (the batch integers), `p` (steps, reverse, batch,
// off_offsets, off_lengths), WG (invocations) and RB (rows per workgroup). WGSL has no #include;
// module-scope names may be used before they are declared.
//
// Dispatch: (min(ceil(batch / RB), 65535)); a workgroup owns RB consecutive rows (blocks striding past the
// dispatch limit) and walks all positions. Rows are independent, so workgroups never synchronize.
//
// A workgroup walks the positions for its block of RB sorted rows in visiting order: ascending, or
// descending when `desc` (the forward pass: desc = reverse; the backward pass: desc = !reverse, reading
// order backwards). A block's rows are active at a position when their length exceeds it, a prefix of the
// block (rows are sorted). At each position the neighbour is the position visited just before it: forward,
// the previous position in reading order (h_prev); backward, the next one ('cur', whose gate gradients
// flow back). Rows active at the neighbour have a state there.

/// Lengths of the block's rows from r0 (0 past the batch); len[0] is the block's longest.
fn seq_lengths(r0: u32) -> array<u32, RB> {
  var len: array<u32, RB>;
  for (var i = 0u; i < RB; i++) {
    len[i] = select(0u, ints[p.off_lengths + min(r0 + i, p.batch - 1u)], r0 + i < p.batch);
  }
  return len;
}

struct SeqStep {
  pos: u32,    // the position visited at this step
  off: u32,    // packed row of row 0 there
  nb_ok: bool, // whether the neighbour position exists
  nb_pos: u32, // the neighbour position (clamped into 0..T-1 when it does not exist)
  off_nb: u32, // packed row of row 0 there
}

/// Step s (0..steps-1) of the walk.
fn seq_step(s: u32, desc: bool) -> SeqStep {
  let T = p.steps;
  let pos = select(s, T - 1u - s, desc);
  let nb_pos = select(max(pos, 1u) - 1u, min(pos + 1u, T - 1u), desc);
  return SeqStep(pos, ints[p.off_offsets + pos], select(pos > 0u, pos + 1u < T, desc), nb_pos, ints[p.off_offsets + nb_pos]);
}

/// Which rows of the block (lengths len) are active at the step's neighbour position.
fn seq_has_nb(len: array<u32, RB>, st: SeqStep) -> array<bool, RB> {
  var has: array<bool, RB>;
  for (var i = 0u; i < RB; i++) { has[i] = st.nb_ok && len[i] > st.nb_pos; }
  return has;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let desc = (p.reverse == 1u) != SEQ_BACKWARD;
  let nblk = (p.batch + RB - 1u) / RB;
  for (var blk = wg.x; blk < nblk; blk += nwg.x) {
    let r0 = blk * RB;
    let len = seq_lengths(r0);
    seq_begin_block(lid.x);
    for (var s = 0u; s < p.steps; s++) {
      let st = seq_step(s, desc);
      if (len[0] <= st.pos) { // no row of the block is active without its longest
        if (desc) { continue; } // rows start at their own last character
        break; // the block's rows have all ended
      }
      seq_position(lid.x, r0, len, st, s);
      // The next position reads every unit of this position's state.
      if (seq_state_in_ws()) { workgroupBarrier(); } else { storageBarrier(); }
    }
  }
}
