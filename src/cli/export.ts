// `webgpu-rnn export --model m.json --format safetensors|onnx --out FILE`: a trained model for PyTorch
// (state_dict tensors in safetensors) or ONNX Runtime (a standard ONNX graph). See src/interop/.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { encodeOnnx, exportSafetensors } from '../interop/index.js';
import { prepareOutput, writeFileAtomic } from '../node/files.js';
import { specsFor } from '../options.js';
import { isGenerative } from '../model/config.js';
import { helpText, parseArgs, UsageError } from './args.js';
import { loadModel, log } from './common.js';

export const EXPORT_SPECS = specsFor('export');

const ABOUT = `Write a model for another framework.
  safetensors: PyTorch state_dict names and shapes (rnn.weight_ih_l0, ..., out.weight [classes, features]),
               languages and settings in the metadata; loads into nn.RNN/nn.GRU/nn.LSTM + nn.Linear.
  onnx:        inputs tokens int64 [batch, time] and lengths int64 [batch], output logits [batch, classes].`;

export async function exportCommand(argv: string[]): Promise<void> {
  const { opts: o, positionals } = parseArgs('export', argv, EXPORT_SPECS);
  if (o.help) return void log(helpText('webgpu-rnn export --model FILE --out FILE [--format safetensors|onnx]', ABOUT, EXPORT_SPECS));
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (export takes only options; see 'webgpu-rnn export --help')`);
  const out = o.out;
  if (!out) throw new UsageError("export needs --out FILE, e.g. 'webgpu-rnn export --model model.json --out model.onnx'");
  const byExt: Record<string, string> = { '.safetensors': 'safetensors', '.onnx': 'onnx' };
  const format = o.format ?? byExt[extname(out).toLowerCase()];
  if (!format) throw new UsageError(`cannot tell the format from '${out}'; add --format safetensors or --format onnx`);
  if (existsSync(out) && !o.force) throw new UsageError(`${out} already exists (add --force to replace it)`);
  const target = prepareOutput(out, { what: `${format} file`, option: '--out', inputs: [o.model] });
  const model = loadModel(o.model);
  if (isGenerative(model.config)) throw new UsageError(`${o.model} is a language model (--task generate); export writes classifiers only`);
  const bytes = format === 'onnx' ? encodeOnnx(model) : exportSafetensors(model);
  await writeFileAtomic(target, bytes);
  log(`wrote ${out} (${format}, ${bytes.length.toLocaleString('en-US')} bytes)`);
}
