// `node bench --peers`, PyTorch part: bench/peers/torch_peer.py (the same GRU-128 classifier, data, split,
// batch and optimizer as the TF.js peers) run by the system's Python when `import torch` works there;
// otherwise a row that says how to get it. PyTorch runs on the CPU here, with OpenBLAS when Debian's
// pthread build is installed (LD_LIBRARY_PATH, as Debian's python3-torch needs to use it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { RESULT_PREFIX, type PeerResult } from './types.js';

export const TORCH_HOWTO =
  "PyTorch not found: 'python3 -c \"import torch\"' fails. Debian/Ubuntu: apt-get install python3-torch libopenblas0-pthread " +
  '(the bench then runs it with OpenBLAS via LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread; without OpenBLAS, Debian\'s torch uses the reference BLAS, ~10x slower); or pip install torch';

const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

export interface TorchOptions {
  root: string;
  /** Names zip or folder (absolute). */
  data: string;
  warmup: number;
  batches: number;
  maxBatches: number;
  timeoutMs: number;
  log: (s: string) => void;
  /** The Python to use; default $WEBGPU_RNN_PYTHON, else /usr/bin/python3 when present, else python3. */
  python?: string;
}

function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  env.OPENBLAS_NUM_THREADS ??= '1';
  if (existsSync(OPENBLAS)) env.LD_LIBRARY_PATH = env.LD_LIBRARY_PATH ? `${OPENBLAS}:${env.LD_LIBRARY_PATH}` : OPENBLAS;
  return env;
}

/** The Python that can import torch, or null. */
export function findTorchPython(python?: string): string | null {
  const candidates = python ? [python] : [process.env.WEBGPU_RNN_PYTHON, existsSync('/usr/bin/python3') ? '/usr/bin/python3' : undefined, 'python3'].filter((x): x is string => !!x);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { env: pythonEnv(), stdio: 'ignore', timeout: 120_000 });
    if (r.status === 0) return py;
  }
  return null;
}

export function torchMissing(): PeerResult {
  return { peer: 'pytorch-cpu', backend: 'pytorch', formulation: '', learned: false, namesPerSec: 0, msPerBatch: 0, batches: 0, finalLoss: NaN, testAccuracy: null, notes: TORCH_HOWTO };
}

/**
 * PyTorch in both ways its users batch names: packed (pack_padded_sequence, the tutorial's way: 'pytorch-cpu')
 * and padded (the GRU over the whole padded batch, the state taken at each name's end: 'pytorch-cpu-padded';
 * several times faster on the CPU: one large op per layer instead of one per position). Each with as many
 * threads as cores (torch's default) and with one, the faster reported: on a shared machine the threads
 * wait on each other (measured: 180 vs 1,367 names/s at load 6 on 2 vCPUs). OpenBLAS's own threads are
 * kept at 1 (unless OPENBLAS_NUM_THREADS is set): torch already runs its threads, and nesting OpenBLAS's
 * inside them oversubscribes the cores (2 x 2 threads: 1,230 names/s; 1 x 2: 2,651, packed, idle).
 * The peers are meant as the best PyTorch does here, not its worst.
 */
export async function runTorchPeer(o: TorchOptions): Promise<PeerResult[]> {
  const out: PeerResult[] = [];
  for (const formulation of ['packed', 'padded'] as const) {
    const runs: PeerResult[] = [];
    for (const threads of [...new Set([cpus().length, 1])]) runs.push(await runTorchOnce(o, threads, formulation));
    const ok = runs.filter((r) => r.namesPerSec > 0);
    if (!ok.length) {
      out.push(runs[0]!);
      if (runs[0]!.notes === TORCH_HOWTO) break; // no torch: one row that says how to get it
      continue;
    }
    const best = ok.reduce((a, b) => (b.namesPerSec > a.namesPerSec ? b : a));
    const each = ok.map((r) => `${r.device}: ${Math.round(r.namesPerSec).toLocaleString('en-US')} names/s`).join('; ');
    out.push({ ...best, notes: `${best.notes}; the faster of ${each}` });
  }
  return out;
}

async function runTorchOnce(o: TorchOptions, threads: number, formulation: 'packed' | 'padded'): Promise<PeerResult> {
  const py = findTorchPython(o.python);
  if (!py) return torchMissing();
  const args = [join(o.root, 'bench/peers/torch_peer.py'), '--data', o.data, '--warmup', String(o.warmup), '--batches', String(o.batches), '--max-batches', String(o.maxBatches), '--threads', String(threads), '--formulation', formulation];
  o.log(`peer pytorch-cpu: ${py} ${args.slice(1).join(' ')}`);
  return await new Promise((resolve) => {
    const child = spawn(py, args, { env: pythonEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line) return resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as PeerResult);
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      resolve({ ...torchMissing(), notes: `torch_peer.py failed (${why}): ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}` });
    });
  });
}
