// The demo page: wires the device, the names, the training panel, the name box and model files together.
// Everything runs on the main thread; training yields to the browser at every read of the loss.
import { BROWSER_ADAPTER_FIX } from '../src/browser/device.js';
import { DataError } from '../src/data/errors.js';
import { GpuError, LimitError, NoAdapterError } from '../src/gpu/errors.js';
import { ConfigError } from '../src/model/config.js';
import { ModelFileError, type Model } from '../src/train/modelfile.js';
import { TrainingDivergedError } from '../src/train/trainer.js';
import { lockControls, readSettings, SettingsError, setupControls, showFormError, showModelConfig } from './controls.js';
import { countNames, namesFromFile, namesFromServer, trainData, type LoadedNames } from './data.js';
import { byId, int, setMessage, setState } from './dom.js';
import { openCpu, openGpu, type Engine } from './engine.js';
import { catchUnhandled, reportError } from './errors.js';
import { describeModel, downloadModel, readModelFile } from './modelio.js';
import { NameBox } from './namebox.js';
import { GeneratePanel } from './generate.js';
import { KnownNames } from '../src/generate/novelty.js';
import { splitNames, DEFAULT_SPLIT_SEED } from '../src/data/split.js';
import { TrainingPanel } from './training.js';
import { DeviceChooser } from './choice.js';

/** The engine the name box and the last run use; WebGPU's (when there is one) and the CPU path's. */
let engine: Engine | null = null;
let gpuEngine: Engine | null = null;
const cpuEngine = openCpu();
const chooser = new DeviceChooser(() => ({ gpu: gpuEngine, cpu: cpuEngine }));
let names: LoadedNames | null = null;
let model: Model | null = null;
let training = false;

catchUnhandled();
setupControls();
const panel = new TrainingPanel();
const nameBox = new NameBox(() => engine?.be ?? null);
const generatePanel = new GeneratePanel(() => engine?.be ?? null, knownNames);

/**
 * The training names of a model's split (as `webgpu-rnn generate` marks them), or null when the page has no
 * names or other languages than the model. Cached per split.
 */
let knownCache: { key: string; known: KnownNames } | null = null;
function knownNames(m: Model): KnownNames | null {
  if (!names || names.data.languages.join('\n') !== m.languages.join('\n')) return null;
  const t = m.training;
  const split = { seed: t?.splitSeed ?? DEFAULT_SPLIT_SEED, testFraction: t?.testFraction ?? 0.2, dedup: t?.dedup ?? false };
  const key = JSON.stringify(split);
  if (knownCache?.key !== key) knownCache = { key, known: new KnownNames(splitNames(names.data, split).train) };
  return knownCache.known;
}

function refresh(): void {
  byId<HTMLButtonElement>('train').disabled = !engine || !names || training;
  byId<HTMLButtonElement>('stop').disabled = !training;
  byId<HTMLButtonElement>('save').disabled = !model;
  lockControls(training);
}

// ---- device ------------------------------------------------------------------------------------------

function useEngine(e: Engine): void {
  engine = e;
  const adapter = byId('adapter');
  adapter.textContent = e.kind === 'gpu' ? `WebGPU · ${e.description}` : e.description;
  adapter.dataset.kind = e.kind;
  byId('no-webgpu').hidden = true;
  setState('device', e.kind);
  refresh();
  nameBox.refresh(); // a model loaded before the device was ready can run now
  generatePanel.deviceReady();
}

async function initDevice(): Promise<void> {
  try {
    gpuEngine = await openGpu();
    useEngine(gpuEngine);
  } catch (err) {
    if (!(err instanceof NoAdapterError)) reportError('WebGPU failed to start', err);
    byId('adapter').textContent = 'no WebGPU';
    // The banner says what to do; the error's own advice (BROWSER_ADAPTER_FIX) would repeat it.
    const why = err instanceof Error ? err.message.replace(BROWSER_ADAPTER_FIX, '').trim() : String(err);
    byId('no-webgpu-why').textContent = why;
    byId('no-webgpu').hidden = false;
    setState('device', 'none');
  }
}

byId('use-cpu').addEventListener('click', () => useEngine(cpuEngine));
// The device choice and the time estimate for the form's settings, before Train: measured when the page is
// ready and again shortly after the settings change (demo/choice.ts; measurements are cached per settings).
let previewTimer: ReturnType<typeof setTimeout> | undefined;
async function preview(): Promise<void> {
  if (!names || training || !(gpuEngine || engine)) return;
  let settings;
  try {
    settings = readSettings(1);
  } catch {
    return; // the form shows its own error
  }
  try {
    await chooser.choose(names, settings);
  } catch (err) {
    if (!(err instanceof SettingsError || err instanceof LimitError || err instanceof ConfigError)) throw err;
    chooser.stale();
  }
}
byId<HTMLFormElement>('controls').addEventListener('change', () => {
  if (training) return;
  chooser.stale();
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => void preview(), 800);
});

// ---- data --------------------------------------------------------------------------------------------

function useNames(n: LoadedNames): void {
  names = n;
  knownCache = null;
  const { train, test } = trainData(n.data, undefined, 1);
  byId('data-status').textContent = `${int(countNames(n.data))} names in ${n.data.languages.length} languages from ${n.source} · ` +
    `${int(train.length)} to train on, ${int(test.length)} to test`;
  byId('data-picker').hidden = true;
  setState('data', 'ready');
  refresh();
}

async function initData(): Promise<void> {
  try {
    const r = await namesFromServer();
    if (r) return useNames(r);
    byId('data-status').textContent = 'none on the server: pick the names zip below';
    byId('data-picker').hidden = false;
    setState('data', 'missing');
  } catch (err) {
    byId('data-status').textContent = 'could not load the names; pick the zip below';
    setMessage(byId('data-error'), err instanceof DataError ? err.message : `The server's names could not be read: ${(err as Error).message}`);
    byId('data-picker').hidden = false;
    setState('data', 'missing');
  }
}

byId<HTMLInputElement>('data-file').addEventListener('change', async (ev) => {
  const file = (ev.target as HTMLInputElement).files?.[0];
  if (!file) return;
  try {
    setMessage(byId('data-error'), null);
    useNames(await namesFromFile(file));
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    setMessage(byId('data-error'), err.message);
  }
});

// ---- training ----------------------------------------------------------------------------------------

function useModel(m: Model, source: 'trained' | 'loaded', file?: string): void {
  model = m;
  const info = byId('model-info');
  // A loaded model's shape goes into the form (Train then trains that shape); while a run goes on the
  // form shows the run's settings, and the run's next epoch replaces the loaded model again.
  const note = source === 'loaded' && training ? ' The run in progress replaces it after its next epoch.' : '';
  if (source === 'loaded' && !training) showModelConfig(m.config);
  info.textContent = `${source === 'trained' ? 'Trained here' : `Loaded from ${file}`}: ${describeModel(m)}.${note}`;
  info.dataset.source = source;
  if (file) info.dataset.file = file;
  else delete info.dataset.file;
  setMessage(byId('model-error'), null);
  setState('model', source);
  nameBox.setModel(m);
  generatePanel.setModel(m);
  refresh();
}

byId<HTMLFormElement>('controls').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!engine || !names || training) return;
  const formError = byId('form-error');
  let settings;
  try {
    settings = readSettings(engine.readEvery);
    showFormError(null);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    showFormError(err);
    return byId(err.field).focus();
  }
  training = true;
  setState('run', 'training');
  refresh();
  try {
    // The device for these settings (measured for 'auto'), then the run on it.
    panel.preparing();
    const choice = await chooser.choose(names, settings);
    if (choice.engine !== engine) useEngine(choice.engine);
    settings.options.readEvery = choice.engine.readEvery;
    const end = await panel.run(choice.engine, names, settings, (m) => useModel(m, 'trained'), choice.estimate);
    setState('run', end);
  } catch (err) {
    setState('run', 'failed');
    if (err instanceof SettingsError) {
      showFormError(err);
      panel.failed('Training could not start: see above.');
    } else if (err instanceof LimitError || err instanceof ConfigError) {
      setMessage(formError, err.message);
      panel.failed('Training could not start: see above.');
    } else if (err instanceof TrainingDivergedError) {
      panel.failed(err.message);
    } else {
      panel.failed('Training failed: see the error at the top of the page.');
      reportError(err instanceof GpuError ? 'WebGPU error during training' : 'training failed', err);
    }
  } finally {
    training = false;
    refresh();
  }
});

byId('stop').addEventListener('click', () => {
  if (!training) return;
  setState('run', 'stopping');
  panel.requestStop();
});

// ---- model files -------------------------------------------------------------------------------------

byId('save').addEventListener('click', () => {
  if (model) downloadModel(model);
});

byId('load').addEventListener('click', () => byId<HTMLInputElement>('model-file').click());

byId<HTMLInputElement>('model-file').addEventListener('change', async (ev) => {
  const input = ev.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = ''; // picking the same file again still fires 'change'
  if (!file) return;
  try {
    const m = await readModelFile(file);
    useModel(m, 'loaded', file.name);
  } catch (err) {
    if (!(err instanceof ModelFileError || err instanceof ConfigError || err instanceof LimitError)) throw err;
    setMessage(byId('model-error'), err.message);
  }
});

// ---- start -------------------------------------------------------------------------------------------

refresh();
await Promise.all([initDevice(), initData()]);
void preview();
