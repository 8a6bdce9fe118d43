// Small DOM helpers shared by the demo's modules.

/** The element with this id; a missing one is a bug in index.html, reported by name. */
export function byId<T extends HTMLElement | SVGElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`index.html has no #${id}`);
  return e as unknown as T;
}

/** Creates an element with attributes (class, data-*, …) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Shows a message in an element that is hidden when empty. */
export function setMessage(e: HTMLElement, text: string | null): void {
  e.textContent = text ?? '';
  e.hidden = !text;
}

/** Page-level state as data attributes on <body>: for the CSS, and for tests to wait on. */
export function setState(key: 'data' | 'device' | 'run' | 'model', value: string): void {
  document.body.dataset[key] = value;
}

export const pct = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/**
 * Lets the browser handle input and paint before continuing. Training runs on the main thread; the CPU
 * reference never waits for anything, so without this the page would freeze until training ends.
 */
export function yieldToBrowser(): Promise<void> {
  // A message task, not scheduler.yield(): Chrome runs yield() continuations ahead of other work, which
  // starved input handling here. Unlike setTimeout(0), a message is not clamped to 4 ms when nested.
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}
