// Problems the user should see: GPU validation errors, a lost device, unexpected exceptions. Each is
// listed on the page (#errors, with data-count) and logged with console.error, so that nothing fails
// silently (and the end-to-end test fails on any of them).
import { byId, el } from './dom.js';

const seen = new Set<string>();

export function reportError(what: string, err: unknown): void {
  const message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  const line = `${what}: ${message}`;
  // The error object too, so that the console shows its stack.
  if (err instanceof Error) console.error(line, err);
  else console.error(line);
  if (seen.has(line)) return; // a GPU error repeated every step is listed once
  seen.add(line);
  const list = byId<HTMLUListElement>('errors');
  list.append(el('li', {}, line));
  list.dataset.count = String(list.children.length);
  list.hidden = false;
}

/** Uncaught exceptions and rejections anywhere in the page. */
export function catchUnhandled(): void {
  window.addEventListener('error', (ev) => reportError('unexpected error', ev.error ?? ev.message));
  window.addEventListener('unhandledrejection', (ev) => reportError('unexpected error', ev.reason));
}

/** Validation and out-of-memory errors nobody captured, and a lost device. */
export function watchDevice(device: GPUDevice): void {
  device.addEventListener('uncapturederror', (ev) => reportError('WebGPU error', (ev as GPUUncapturedErrorEvent).error.message));
  // The page never destroys its device, so any loss is news.
  void device.lost.then((info) => reportError('WebGPU device lost', `${info.reason}: ${info.message}`));
}
