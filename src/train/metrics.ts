// Classification metrics from a confusion matrix (rows: true class, columns: predicted class).

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  count: number;
  loss: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  confusion: number[][];
}

export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]!]![predicted[i]!]!++;
  return m;
}

/** Accuracy, per-class precision/recall/F1 (0 where undefined, as scikit-learn's zero_division=0) and macro-F1. */
export function reportFrom(confusion: number[][], loss: number): EvalReport {
  const C = confusion.length;
  let correct = 0, count = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < C; c++) {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < C; r++) predicted += confusion[r]![c]!;
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ precision, recall, f1, support });
    correct += tp;
    count += support;
  }
  const present = perClass.filter((m) => m.support > 0);
  return {
    count,
    loss,
    accuracy: count ? correct / count : 0,
    macroF1: present.length ? present.reduce((a, m) => a + m.f1, 0) / present.length : 0,
    perClass,
    confusion,
  };
}

/** Fraction of the most frequent class: the accuracy of always guessing it. */
export function majorityBaseline(labels: ArrayLike<number>, classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  return Math.max(...counts) / Math.max(1, labels.length);
}

export function softmax(logits: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) m = Math.max(m, logits[i]!);
  const e = Array.from(logits, (x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
