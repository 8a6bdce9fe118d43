// Which generated names are new: a name is known when its text equals a training name (normalized as the
// model reads names, e.g. 'Dvořák' -> 'Dvorak'), under any language. The stricter reading of "already in the
// training data", so the share of new names is not flattered by a name that exists for another language.
import type { Example } from '../data/split.js';
import { normalizeName } from '../data/vocab.js';

export class KnownNames {
  private readonly names: Set<string>;
  constructor(train: readonly Example[]) {
    this.names = new Set(train.map((e) => normalizeName(e.name)));
  }
  has(name: string): boolean {
    return this.names.has(name);
  }
  get size(): number {
    return this.names.size;
  }
}
