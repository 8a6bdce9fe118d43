// `webgpu-rnn import m.safetensors --out m.json [--languages a,b,...]`: a model saved by PyTorch (or by
// `webgpu-rnn export`) as a model file of this project. What is accepted: src/interop/pytorch.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describeConfig } from '../model/config.js';
import { importSafetensors, InteropError } from '../interop/index.js';
import { prepareOutput, writeFileAtomic } from '../node/files.js';
import { serializeModel } from '../train/modelfile.js';
import { specsFor } from '../options.js';
import { helpText, parseArgs, UsageError } from './args.js';
import { log } from './common.js';

export const IMPORT_SPECS = specsFor('import');

const ABOUT = `Read a PyTorch state_dict saved as safetensors: an nn.RNN / nn.GRU / nn.LSTM (any module prefix; its
tensors weight_ih_l0, ...) on one-hot input of the 58 symbols (57: the older tutorial's, without "_"), and
an nn.Linear head [classes, features] (optionally an attention score nn.Linear [1, features]).`;

export async function importCommand(argv: string[]): Promise<void> {
  const { opts: o, positionals } = parseArgs('import', argv, IMPORT_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn import FILE.safetensors [--out FILE] [--languages A,B,...]', ABOUT, IMPORT_SPECS));
  if (positionals.length !== 1) throw new UsageError(`import needs one safetensors file, e.g. 'webgpu-rnn import model.safetensors --out model.json'`);
  const src = positionals[0]!;
  const out = o.out;
  if (!existsSync(src)) throw new InteropError(`${src} does not exist`);
  if (statSync(src).isDirectory()) throw new InteropError(`${src} is a folder`);
  let languages: string[] | undefined;
  if (o.languages !== undefined) {
    languages = o.languages.split(',').map((s) => s.trim());
    if (languages.some((l) => l === '')) throw new UsageError(`--languages has an empty name: '${o.languages}'`);
    if (new Set(languages).size !== languages.length) throw new UsageError(`--languages names a language twice: '${o.languages}'`);
  }
  if (existsSync(out) && !o.force) throw new UsageError(`${out} already exists (add --force to replace it)`);
  const target = prepareOutput(out, { what: 'model file', option: '--out', inputs: [src] });
  const model = importSafetensors(new Uint8Array(readFileSync(src)), { source: src, languages });
  await writeFileAtomic(target, serializeModel(model));
  log(`wrote ${out}: ${describeConfig(model.config)}, ${model.languages.length} languages (${model.languages.slice(0, 3).join(', ')}${model.languages.length > 3 ? ', ...' : ''})`);
}
