// A model as a standard ONNX graph (opset 14), encoded with onnx-proto (the official onnx.proto compiled
// for protobufjs). Inputs: tokens int64 [batch, time] (symbol ids, anything past a row's length ignored),
// lengths int64 [batch] (each ≥ 1); output: logits float32 [batch, classes]. The graph:
//   X0 = OneHot(Transpose(tokens))                                  [T, B, 58]
//   per layer: Y, Y_h = RNN | GRU | LSTM(X, W, R, B, sequence_lens)  Y [T, dirs, B, H], Y_h [dirs, B, H]
//              next X = Reshape(Transpose(Y, 0 2 1 3), [T, B, D])
//   head input = Reshape(Transpose(Y_h of the top layer), [B, D])  (forward final state | backward one)
//     or, with attention: e = Y·w + b, positions t ≥ length get -1e30, alpha = Softmax over time,
//     feat = ReduceSum(alpha · Y, time)                              (shaders/attention_fwd.wgsl)
//   logits = Gemm(feat, head.W, head.b)
// ONNX's recurrent operators with sequence_lens read each row for its own length: the forward direction's
// Y_h is the state at the row's last symbol, the reverse direction starts at the row's last symbol and its
// Y_h is the state after symbol 0, and Y is 0 past the length — the packed semantics of src/model/packing.ts.
// Gate orders differ from PyTorch's (and ours): ONNX GRU z|r|h (ours r|z|n), LSTM i|o|f|c (ours i|f|g|o);
// GRU uses linear_before_reset = 1 (PyTorch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))).
// Platform-neutral: returns bytes.
import onnxProto from 'onnx-proto';
import { VOCAB, VOCAB_SIZE } from '../data/vocab.js';
import { dirsOf, outWidth } from '../model/config.js';
import { cellSpec } from '../model/cells.js';
import { entry, layerName, paramLayout } from '../model/params.js';
import type { Model } from '../train/modelfile.js';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IAttr = onnxProto.onnx.IAttributeProto;

export const ONNX_OPSET = 14;
/** For each ONNX gate (in ONNX's order), the index of the same gate in ours (PyTorch's order). */
const ONNX_GATES = { rnn: [0], gru: [1, 0, 2], lstm: [0, 3, 1, 2] } as const;
const ONNX_OP = { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' } as const;

function floatTensor(name: string, dims: number[], data: Float32Array): ITensor {
  const raw = new Uint8Array(data.length * 4);
  const v = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) v.setFloat32(4 * i, data[i]!, true);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw };
}

function intTensor(name: string, dims: number[], data: number[]): ITensor {
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: data };
}

function attr(name: string, v: number | string | number[], float = false): IAttr {
  const T = onnx.AttributeProto.AttributeType;
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  return float ? { name, type: T.FLOAT, f: v } : { name, type: T.INT, i: v };
}

/**
 * One direction's PyTorch-layout matrix [G·H, cols] (gate blocks of H rows) from our input-major [cols, G·H],
 * with the gate blocks reordered to ONNX's order, written into `dst` at `at`.
 */
function onnxGates(src: Float32Array, cols: number, H: number, gates: readonly number[], dst: Float32Array, at: number): void {
  const GH = gates.length * H;
  for (let og = 0; og < gates.length; og++) {
    for (let u = 0; u < H; u++) {
      const srcCol = gates[og]! * H + u, dstRow = og * H + u;
      for (let c = 0; c < cols; c++) dst[at + dstRow * cols + c] = src[c * GH + srcCol]!;
    }
  }
}

function onnxBias(src: Float32Array, H: number, gates: readonly number[], dst: Float32Array, at: number): void {
  for (let og = 0; og < gates.length; og++) dst.set(src.subarray(gates[og]! * H, (gates[og]! + 1) * H), at + og * H);
}

/** The model as an ONNX ModelProto, encoded. */
export function encodeOnnx(m: Model): Uint8Array {
  const c = m.config, layout = paramLayout(c);
  const H = c.hidden, dirs = dirsOf(c), D = outWidth(c), C = c.numClasses;
  const order = ONNX_GATES[c.cell], GH = cellSpec(c.cell).gates * H;
  const param = (name: string) => {
    const e = entry(layout, name);
    return m.params.subarray(e.offset, e.offset + e.size);
  };
  const nodes: INode[] = [];
  const inits: ITensor[] = [];
  const node = (opType: string, input: string[], output: string[], attribute: IAttr[] = []) =>
    void nodes.push({ opType, input, output, name: `${opType}_${nodes.length}`, attribute });

  inits.push(intTensor('one_hot_depth', [], [VOCAB_SIZE]), floatTensor('one_hot_values', [2], Float32Array.of(0, 1)));
  node('Transpose', ['tokens'], ['tokens_tb'], [attr('perm', [1, 0])]);
  node('OneHot', ['tokens_tb', 'one_hot_depth', 'one_hot_values'], ['x0'], [attr('axis', -1)]);
  node('Cast', ['lengths'], ['seq_lens'], [attr('to', onnx.TensorProto.DataType.INT32)]);
  if (c.layers > 1 || c.attention) inits.push(intTensor('shape_tbd', [3], [0, 0, -1]));

  let x = 'x0';
  let yh = '';
  for (let l = 0; l < c.layers; l++) {
    const inW = l === 0 ? VOCAB_SIZE : D;
    const W = new Float32Array(dirs * GH * inW), R = new Float32Array(dirs * GH * H), B = new Float32Array(dirs * 2 * GH);
    for (let d = 0; d < dirs; d++) {
      const n = layerName(l, d);
      onnxGates(param(`${n}.W_ih`), inW, H, order, W, d * GH * inW);
      onnxGates(param(`${n}.W_hh`), H, H, order, R, d * GH * H);
      onnxBias(param(`${n}.b_ih`), H, order, B, d * 2 * GH);
      onnxBias(param(`${n}.b_hh`), H, order, B, d * 2 * GH + GH);
    }
    inits.push(floatTensor(`W_${l}`, [dirs, GH, inW], W), floatTensor(`R_${l}`, [dirs, GH, H], R), floatTensor(`B_${l}`, [dirs, 2 * GH], B));
    const attrs = [attr('hidden_size', H), attr('direction', dirs === 2 ? 'bidirectional' : 'forward')];
    if (c.cell === 'gru') attrs.push(attr('linear_before_reset', 1));
    const top = l === c.layers - 1;
    node(ONNX_OP[c.cell], [x, `W_${l}`, `R_${l}`, `B_${l}`, 'seq_lens'], top && !c.attention ? ['', `yh_${l}`] : [`y_${l}`, `yh_${l}`], attrs);
    yh = `yh_${l}`;
    if (top && !c.attention) break;
    node('Transpose', [`y_${l}`], [`y_${l}_tbdh`], [attr('perm', [0, 2, 1, 3])]);
    node('Reshape', [`y_${l}_tbdh`, 'shape_tbd'], [`x_${l + 1}`]);
    x = `x_${l + 1}`;
  }

  if (c.attention) {
    // Scores of every position, then a softmax over each row's own positions (the rest masked out).
    inits.push(floatTensor('att_w', [D, 1], param('att.w')), floatTensor('att_b', [1], param('att.b')));
    inits.push(intTensor('zero', [], [0]), intTensor('one', [], [1]), intTensor('axis1', [1], [1]), intTensor('axis2', [1], [2]), intTensor('axis0', [1], [0]));
    inits.push(floatTensor('masked', [], Float32Array.of(-1e30)));
    node('MatMul', [x, 'att_w'], ['att_e0']);
    node('Add', ['att_e0', 'att_b'], ['att_e']); // [T, B, 1]
    node('Shape', ['tokens'], ['tokens_shape']);
    node('Gather', ['tokens_shape', 'one'], ['steps'], [attr('axis', 0)]);
    node('Range', ['zero', 'steps', 'one'], ['positions']); // [T]
    node('Unsqueeze', ['positions', 'axis1'], ['positions_t1']); // [T, 1]
    node('Less', ['positions_t1', 'lengths'], ['valid_tb']); // [T, B]
    node('Unsqueeze', ['valid_tb', 'axis2'], ['valid']); // [T, B, 1]
    node('Where', ['valid', 'att_e', 'masked'], ['att_em']);
    node('Softmax', ['att_em'], ['alpha'], [attr('axis', 0)]);
    node('Mul', ['alpha', x], ['weighted']);
    node('ReduceSum', ['weighted', 'axis0'], ['feat'], [attr('keepdims', 0)]);
  } else {
    inits.push(intTensor('shape_bd', [2], [0, -1]));
    node('Transpose', [yh], ['yh_bdh'], [attr('perm', [1, 0, 2])]);
    node('Reshape', ['yh_bdh', 'shape_bd'], ['feat']);
  }
  inits.push(floatTensor('head_W', [D, C], param('head.W')), floatTensor('head_b', [C], param('head.b')));
  node('Gemm', ['feat', 'head_W', 'head_b'], ['logits']);

  const T = onnx.TensorProto.DataType;
  const value = (name: string, elem: number, dims: (string | number)[]) => ({
    name,
    type: { tensorType: { elemType: elem, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'webgpu-rnn',
    docString: `character-level ${c.cell} name classifier; tokens index ${JSON.stringify(VOCAB)}`,
    graph: {
      name: 'webgpu_rnn',
      node: nodes,
      initializer: inits,
      input: [value('tokens', T.INT64, ['batch', 'time']), value('lengths', T.INT64, ['batch'])],
      output: [value('logits', T.FLOAT, ['batch', C])],
    },
    metadataProps: [
      { key: 'vocab', value: VOCAB },
      { key: 'languages', value: JSON.stringify(m.languages) },
      { key: 'config', value: JSON.stringify(c) },
    ],
  };
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(`ONNX model does not verify: ${err}`);
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
