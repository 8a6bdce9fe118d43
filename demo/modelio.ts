// Model files, in the CLI's format (src/train/modelfile.ts): download the current model, read a picked one.
import { describeConfig, isGenerative } from '../src/model/config.js';
import { parseModel, serializeModel, type Model } from '../src/train/modelfile.js';
import { pct } from './dom.js';

export function fileNameFor(m: Model): string {
  const c = m.config;
  return `webgpu-rnn-${isGenerative(c) ? 'lm-' : ''}${c.bidirectional ? 'bi' : ''}${c.cell}${c.attention ? '-att' : ''}-h${c.hidden}${c.layers > 1 ? `-l${c.layers}` : ''}.json`;
}

/** Offers the model as a file download. */
export function downloadModel(m: Model): void {
  const url = URL.createObjectURL(new Blob([serializeModel(m)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameFor(m);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Reads a model file; ModelFileError (one line naming the file) when it is not one. */
export async function readModelFile(file: File): Promise<Model> {
  return parseModel(await file.text(), file.name);
}

/** One line about a model: what it is and how well it did. */
export function describeModel(m: Model): string {
  const t = m.training;
  const after = t ? ` after ${t.epochs} epoch${t.epochs === 1 ? '' : 's'}` : '';
  const score = t?.testNll !== undefined ? `; test NLL ${t.testNll.toFixed(3)} nats per symbol (${(t.testNll / Math.LN2).toFixed(3)} bits)${after}`
    : t?.testAccuracy !== undefined ? `; test accuracy ${pct(t.testAccuracy)}${after}` : '';
  const cal = m.calibration ? `; calibrated (temperature ${m.calibration.temperature.toFixed(2)})` : '';
  return `${describeConfig(m.config)}${score}${cal}`;
}
