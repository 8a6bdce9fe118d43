// Golden tests against real PyTorch: test/fixtures/interop/golden.json holds nn.RNN / nn.GRU / nn.LSTM
// models (1-2 layers, uni- and bidirectional, with and without the attention head, written in PyTorch as
// this project defines it), a ragged batch that needs packing, and PyTorch's float64 logits, plain and
// class-weighted cross-entropy, and every gradient (scripts/interop/pytorch_fixtures.py writes it; CI needs
// no torch). Each model is loaded through the state_dict import and run on the CPU reference and the GPU,
// with both recurrences: everything must match to 1e-5 (relative, normwise). Unlike the kernel tests, the
// reference shares no code with the network: packing, parameter layout and wiring are checked too.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu/backend.js';
import type { Backend } from '../src/core/backend.js';
import { GpuBackend } from '../src/gpu/backend.js';
import { describeAdapter } from '../src/gpu/device.js';
import { VOCAB, VOCAB_SIZE } from '../src/data/vocab.js';
import { fromStateDict, toStateDict } from '../src/interop/pytorch.js';
import type { Tensor } from '../src/interop/safetensors.js';
import { Network, STATS, type Recurrence } from '../src/model/network.js';
import { packBatch } from '../src/model/packing.js';
import type { Model } from '../src/train/modelfile.js';
import { testDevice } from './helpers/device.js';
import { describe_, relErr } from './helpers/interop.js';

interface Json { shape: number[]; data: number[] }
interface Case {
  config: { cell: string; hidden: number; layers: number; bidirectional: boolean; attention: boolean; numClasses: number };
  weights: Record<string, Json>;
  seqs: number[][];
  labels: number[];
  classWeights: number[];
  logits: Json;
  plain: { loss: number; grads: Record<string, Json> };
  weighted: { loss: number; grads: Record<string, Json> };
}

const FIXTURE = resolve(import.meta.dirname, 'fixtures/interop/golden.json');
const golden = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { vocab: string; cases: Case[] };
const TOL = 1e-5;

function load(c: Case): Model {
  const sd = new Map<string, Tensor>(Object.entries(c.weights).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
  return fromStateDict(sd, { source: 'golden.json', languages: Array.from({ length: c.config.numClasses }, (_, i) => `c${i}`) });
}

/** Mean cross-entropy of logits [B, C] (float64), each row weighted by its label's class weight. */
function meanCe(logits: Float32Array, labels: number[], C: number, w: (c: number) => number): number {
  let sum = 0, wsum = 0;
  labels.forEach((y, r) => {
    const row = Array.from(logits.subarray(r * C, (r + 1) * C));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    sum += w(y) * (lse - row[y]!);
    wsum += w(y);
  });
  return sum / wsum;
}

/** One forward + backward of a fixture case; logits in the fixture's row order and grads by PyTorch name. */
async function run(be: Backend, model: Model, c: Case, recurrence: Recurrence, weighted: boolean) {
  const b = packBatch(c.seqs, c.labels, VOCAB_SIZE);
  const net = new Network(be, model.config, { batch: b.batch, rows: b.rows }, { recurrence });
  try {
    net.setParams(model.params);
    if (weighted) net.setClassWeights(Float32Array.from(c.classWeights));
    net.forward(b, true);
    net.backward(b);
    const C = model.config.numClasses;
    const sorted = await net.readLogits(b);
    const logits = new Float32Array(b.batch * C);
    for (let r = 0; r < b.batch; r++) logits.set(sorted.subarray(r * C, (r + 1) * C), b.order[r]! * C);
    const grads = toStateDict({ ...model, params: (await net.be.read(net.grads)) as Float32Array });
    const stats = await net.be.read(net.stats);
    return { logits, grads, lossSum: stats[STATS.loss]!, count: stats[STATS.count]! };
  } finally {
    net.dispose();
  }
}

/** Every gradient tensor within TOL of PyTorch's, normwise (floor: 1e-3 of the whole gradient's norm). */
function checkGrads(got: Map<string, Tensor>, ref: Record<string, Json>, where: string): number {
  let worst = 0;
  expect([...got.keys()].sort(), `${where}: gradient names`).toEqual(Object.keys(ref).sort());
  const all = Math.sqrt(Object.values(ref).reduce((s, t) => s + t.data.reduce((a, v) => a + v * v, 0), 0));
  for (const [name, r] of Object.entries(ref)) {
    const g = got.get(name)!;
    expect(g.shape, `${where}: ${name} shape`).toEqual(r.shape);
    let d = 0, n = 0;
    for (let i = 0; i < r.data.length; i++) {
      d += (g.data[i]! - r.data[i]!) ** 2;
      n += r.data[i]! ** 2;
    }
    const err = Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-3 * all);
    expect(err, `${where}: gradient of ${name} (rel. error ${err.toExponential(2)})`).toBeLessThan(TOL);
    worst = Math.max(worst, err);
  }
  return worst;
}

let gpu: GpuBackend | null = null;
async function gpuBackend(): Promise<GpuBackend> {
  const h = await testDevice();
  gpu ??= new GpuBackend(h.device, { description: describeAdapter(h.summary) });
  return gpu;
}
afterAll(() => gpu?.dispose());

describe('golden tests against PyTorch (test/fixtures/interop/golden.json)', () => {
  it('covers every cell × layers × direction × attention, on a batch that needs packing', () => {
    expect(golden.vocab).toBe(VOCAB);
    const names = new Set(golden.cases.map((c) => describe_(load(c).config)));
    expect(names.size).toBe(24);
    for (const c of golden.cases) {
      const lens = c.seqs.map((s) => s.length);
      expect(Math.min(...lens)).toBe(1);
      expect(lens).not.toEqual([...lens].sort((a, b) => b - a)); // unsorted: packing has to reorder
    }
  });

  for (const c of golden.cases) {
    const model = load(c);
    for (const device of ['cpu', 'gpu'] as const) {
      it(`${describe_(model.config)} on the ${device}: logits, losses and gradients match PyTorch`, async () => {
        const be = device === 'cpu' ? new CpuBackend() : await gpuBackend();
        const h = device === 'gpu' ? await testDevice() : null;
        h?.device.pushErrorScope('validation');
        let worst = { logits: 0, loss: 0, grad: 0 };
        for (const recurrence of ['step', 'sequence'] as const) {
          for (const weighted of [false, true]) {
            const where = `${recurrence} recurrence, ${weighted ? 'class-weighted' : 'plain'} loss`;
            const r = await run(be, model, c, recurrence, weighted);
            const le = relErr(r.logits, c.logits.data);
            expect(le, `${where}: logits`).toBeLessThan(TOL);
            const ref = weighted ? c.weighted : c.plain;
            const C = model.config.numClasses;
            const loss = meanCe(r.logits, c.labels, C, weighted ? (k) => c.classWeights[k]! : () => 1);
            const lossErr = Math.abs(loss - ref.loss) / ref.loss;
            expect(lossErr, `${where}: loss`).toBeLessThan(TOL);
            expect(Math.abs(r.lossSum / r.count - c.plain.loss) / c.plain.loss, `${where}: loss in stats`).toBeLessThan(TOL);
            const ge = checkGrads(r.grads, ref.grads, where);
            worst = { logits: Math.max(worst.logits, le), loss: Math.max(worst.loss, lossErr), grad: Math.max(worst.grad, ge) };
          }
        }
        if (process.env.INTEROP_VERBOSE) console.log(`golden ${describe_(model.config)} ${device}: worst rel. error logits ${worst.logits.toExponential(1)}, loss ${worst.loss.toExponential(1)}, gradient tensor ${worst.grad.toExponential(1)}`);
        const err = await h?.device.popErrorScope();
        if (err) throw new Error(`WebGPU validation error: ${err.message}`);
      });
    }
  }
});
