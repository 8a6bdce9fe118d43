// The "Train" panel while a run goes on: the Trainer on the page's backend, with live progress (epoch,
// loss, names/s, the loss chart) and a row per epoch with the test accuracy. Stop takes effect at the next
// read of the loss, i.e. within a few steps.
import type { Model } from '../src/train/modelfile.js';
import { Trainer, type EpochResult, type Progress } from '../src/train/trainer.js';
import { describeConfig } from '../src/model/config.js';
import { LossChart } from './chart.js';
import type { Settings } from './controls.js';
import type { LoadedNames } from './data.js';
import { trainData } from './data.js';
import { byId, el, int, pct, setMessage, yieldToBrowser } from './dom.js';
import type { Engine } from './engine.js';
import { formatSeconds } from './choice.js';

export type RunEnd = 'done' | 'stopped';

export class TrainingPanel {
  private readonly chart = new LossChart(byId<SVGSVGElement>('chart'));
  private readonly status = byId('run-status');
  private readonly table = byId<HTMLTableElement>('epoch-table');
  private stopRequested = false;

  private started = 0;

  /** Before the device is chosen (which may measure for a few seconds). */
  preparing(): void {
    setMessage(this.status, 'Choosing the device…');
    this.set('time-left', '–');
  }

  requestStop(): void {
    this.stopRequested = true;
    setMessage(this.status, 'Stopping after the current step…');
  }

  /**
   * Trains with these settings; `onModel` gets the model after every epoch (and once more, with the
   * weights as they are, when stopped). Errors (bad sizes, divergence, GPU errors) are thrown.
   */
  async run(engine: Engine, names: LoadedNames, settings: Settings, onModel: (m: Model) => void, estimate: number | null = null): Promise<RunEnd> {
    this.stopRequested = false;
    const o = settings.options;
    const data = trainData(names.data, settings.limit, o.seed);
    const trainer = new Trainer(engine.be, o, data);
    try {
      const steps = Math.ceil(data.train.length / o.batchSize);
      this.chart.reset(steps * o.epochs);
      this.table.tBodies[0]!.replaceChildren();
      this.table.hidden = true;
      this.showTask(trainer.lm);
      this.set('stat-epoch', `0/${o.epochs}`);
      this.set('stat-loss', '–');
      this.set('names-per-sec', '–');
      this.set('stat-accuracy', '–');
      // Time left: the device choice's estimate until the run's own pace replaces it (progress()).
      this.set('time-left', estimate === null ? '–' : formatSeconds(estimate));
      if (estimate === null) delete byId('time-left').dataset.seconds;
      else byId('time-left').dataset.seconds = estimate.toFixed(1);
      this.started = performance.now();
      this.bar(0);
      setMessage(this.status, `Training ${describeConfig(trainer.config)} (${int(trainer.net.layout.total)} parameters) on ` +
        `${int(data.train.length)} names; testing on ${int(data.test.length)} after each epoch.`);
      const epochEnds: number[] = [];
      const device = engine.description;
      await trainer.run({
        onProgress: (p) => this.progress(p, o.epochs, trainer, epochEnds),
        onEpoch: async (r) => {
          epochEnds.push(trainer.stepCount);
          this.chart.update(trainer.lossCurve, epochEnds);
          this.epochRow(r);
          onModel(await trainer.model({ device }));
          await yieldToBrowser();
        },
        shouldStop: () => this.stopRequested,
      });
      const done = trainer.epochs.length === o.epochs;
      this.set('time-left', done ? 'done' : '–');
      // Once more after the run: the weights as they are (stopped), or with the calibration when the run
      // had validation names.
      onModel(await trainer.model({ device }));
      const last = trainer.epochs[trainer.epochs.length - 1];
      const speed = trainer.epochs.length ? trainer.epochs.reduce((a, e) => a + e.namesPerSec, 0) / trainer.epochs.length : 0;
      if (speed) byId('names-per-sec').dataset.average = speed.toFixed(1);
      const result = last?.lm
        ? `test NLL ${last.lm.nll.toFixed(3)} nats per symbol (${last.lm.bitsPerSymbol.toFixed(3)} bits), ${int(speed)} names/s on average. Generate names, or save the model.`
        : `test accuracy ${pct(last?.test.accuracy ?? 0)}, ${int(speed)} names/s on average. Try a name, or save the model.`;
      setMessage(this.status, done
        ? `Done: ${result}`
        : `Stopped after ${trainer.stepCount} steps${last ? ` (${trainer.epochs.length} full epoch${trainer.epochs.length === 1 ? '' : 's'})` : ''}; the model keeps the weights it had.`);
      return done ? 'done' : 'stopped';
    } finally {
      trainer.dispose();
    }
  }

  /** A run that could not start or broke off. */
  failed(message: string): void {
    setMessage(this.status, message);
  }

  private progress(p: Progress, epochs: number, trainer: Trainer, epochEnds: number[]): void {
    this.set('stat-epoch', `${p.epoch}/${epochs}`);
    this.set('stat-loss', p.loss.toFixed(3));
    this.set('names-per-sec', int(p.namesPerSec));
    const done = (p.epoch - 1 + p.step / p.steps) / epochs;
    this.bar(done, `epoch ${p.epoch} of ${epochs}, ${Math.round(100 * done)}%`);
    if (done > 0) {
      // This run's pace so far (training and the tests of finished epochs) over what is left.
      const left = ((performance.now() - this.started) / 1000) * (1 - done) / done;
      this.set('time-left', formatSeconds(left));
      byId('time-left').dataset.seconds = left.toFixed(1);
    }
    this.chart.update(trainer.lossCurve, epochEnds);
    if (p.step === p.steps) setMessage(this.status, `Epoch ${p.epoch}: testing…`);
    else if (!this.stopRequested) setMessage(this.status, `Epoch ${p.epoch} of ${epochs}: step ${p.step} of ${p.steps}.`);
  }

  /** Column heads and the test figure for the task: accuracy and macro-F1, or NLL in nats and bits per symbol. */
  private showTask(lm: boolean): void {
    byId('stat-test-label').textContent = lm ? 'Test NLL' : 'Test accuracy';
    const heads = this.table.tHead!.rows[0]!.cells;
    heads[2]!.textContent = lm ? 'Test NLL (nats)' : 'Test acc.';
    heads[2]!.title = lm ? 'Negative log-likelihood per symbol of the test names (characters and the end), in nats' : '';
    heads[3]!.textContent = lm ? 'Bits/symbol' : 'Macro-F1';
    heads[3]!.title = lm ? 'The same, in bits per symbol (nats / ln 2)' : '';
    this.table.dataset.task = lm ? 'generate' : 'classify';
  }

  private epochRow(r: EpochResult): void {
    if (r.lm) {
      this.table.tBodies[0]!.append(el('tr', { 'data-epoch': r.epoch, 'data-nll': r.lm.nll.toFixed(6), 'data-bits': r.lm.bitsPerSymbol.toFixed(6), 'data-loss': r.trainLoss.toFixed(6) },
        el('td', {}, String(r.epoch)),
        el('td', {}, r.trainLoss.toFixed(3)),
        el('td', {}, r.lm.nll.toFixed(3)),
        el('td', {}, r.lm.bitsPerSymbol.toFixed(3)),
        el('td', {}, int(r.namesPerSec)),
        el('td', {}, r.seconds.toFixed(1))));
      this.table.hidden = false;
      this.set('stat-accuracy', r.lm.nll.toFixed(3));
      return;
    }
    const row = el('tr', { 'data-epoch': r.epoch, 'data-accuracy': r.test.accuracy.toFixed(6), 'data-loss': r.trainLoss.toFixed(6) },
      el('td', {}, String(r.epoch)),
      el('td', {}, r.trainLoss.toFixed(3)),
      el('td', {}, pct(r.test.accuracy)),
      el('td', {}, r.test.macroF1.toFixed(3)),
      el('td', {}, int(r.namesPerSec)),
      el('td', {}, r.seconds.toFixed(1)));
    this.table.tBodies[0]!.append(row);
    this.table.hidden = false;
    this.set('stat-accuracy', pct(r.test.accuracy));
  }

  private set(id: string, text: string): void {
    byId(id).textContent = text;
  }

  private bar(fraction: number, text?: string): void {
    const pct = 100 * Math.min(1, fraction);
    byId('progress-bar').style.width = `${pct.toFixed(1)}%`;
    const meter = byId('progress');
    meter.setAttribute('aria-valuenow', pct.toFixed(0));
    meter.setAttribute('aria-valuetext', text ?? `${pct.toFixed(0)}%`);
  }
}
