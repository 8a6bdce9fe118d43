// A stand-alone command for the TF.js peers (the bench calls runPeers directly):
//   npx esbuild bench/peers/cli.ts --bundle --platform=node --format=esm --external:webgpu \
//     --external:@tensorflow/* --outfile=/tmp/peers.mjs && node /tmp/peers.mjs --backend wasm --batches 30
// Options: --backend webgpu|wasm|cpu (repeatable or comma-separated; default all), --batches N (timed),
// --warmup N, --max-batches N, --epochs N, --test-limit N, --impl ops|layers, --data PATH, --json,
// --check (compare the ops model with webgpu-rnn's CPU reference and check padding, before training).
import { parseArgs } from 'node:util';
import { PEER_BACKENDS, runPeers, type PeerBackend, type PeerResult } from './index.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true },
    batches: { type: 'string' },
    warmup: { type: 'string' },
    'max-batches': { type: 'string' },
    epochs: { type: 'string' },
    'test-limit': { type: 'string' },
    impl: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
    check: { type: 'boolean' },
  },
});

const int = (s: string | undefined) => (s === undefined ? undefined : Number.parseInt(s, 10));
const backends = (values.backend ?? []).flatMap((b) => b.split(',')).filter(Boolean) as PeerBackend[];
for (const b of backends) if (!PEER_BACKENDS.includes(b)) throw new Error(`unknown backend ${b}; one of ${PEER_BACKENDS.join(', ')}`);
if (values.impl && values.impl !== 'ops' && values.impl !== 'layers') throw new Error(`--impl is ops or layers, not ${values.impl}`);

const results = await runPeers({
  backends: backends.length > 0 ? backends : undefined,
  batches: int(values.batches),
  warmup: int(values.warmup),
  maxBatches: int(values['max-batches']),
  epochs: int(values.epochs),
  testLimit: int(values['test-limit']),
  impl: values.impl as 'ops' | 'layers' | undefined,
  data: values.data,
  check: values.check,
  log: (s) => console.error(s),
});

if (values.json) console.log(JSON.stringify(results, null, 2));
else for (const r of results) console.log(describe(r));

function describe(r: PeerResult): string {
  const acc = r.testAccuracy === null ? '-' : `${(100 * r.testAccuracy).toFixed(1)}%`;
  return [
    `${r.peer}: ${r.namesPerSec.toFixed(1)} names/s, ${r.msPerBatch.toFixed(1)} ms/batch over ${r.batches} batches; ` +
      `learned: ${r.learned ? 'yes' : 'NO'} (final loss ${r.finalLoss.toFixed(3)}, test accuracy ${acc})`,
    `  formulation: ${r.formulation}`,
    r.lossCurve ? `  loss per 10 batches: ${r.lossCurve.map((l) => l.toFixed(2)).join(' ')}` : '',
    `  notes: ${r.notes}`,
  ]
    .filter(Boolean)
    .join('\n');
}
