// The 58-symbol alphabet, identical to the PyTorch peer's (string.ascii_letters + " .,;'" + "_"),
// so that one-hot indices, and therefore trained weights, mean the same thing in both.

export const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'";
/** Stands for every character that is not in LETTERS and does not reduce to one. */
export const OOV = '_';
export const VOCAB = LETTERS + OOV;
export const VOCAB_SIZE = VOCAB.length;

const LETTER_SET = new Set(LETTERS);
const VOCAB_INDEX = new Map(Array.from(VOCAB, (ch, i) => [ch, i]));
const COMBINING_MARKS = /\p{Mn}/gu;

/**
 * Reduces a name to the alphabet the way the peer does: NFD splits accented letters into a base
 * letter and combining marks (category Mn), which are dropped ('é' -> 'e'); anything else outside
 * LETTERS becomes OOV, one per code point ('ø' -> '_', '李' -> '_').
 */
export function normalizeName(s: string): string {
  const stripped = s.trim().normalize('NFD').replace(COMBINING_MARKS, '');
  let out = '';
  for (const ch of stripped) out += LETTER_SET.has(ch) ? ch : OOV;
  return out;
}

/**
 * Whether a name has at least one letter a–z after normalization. Without one the model sees only
 * '_' and punctuation, and its ranking says nothing about the name: `predict` and the page say so instead.
 */
export function hasLetter(name: string): boolean {
  return /[a-z]/i.test(normalizeName(name));
}

/** Indices into VOCAB of the normalized name, one per symbol. */
export function encodeName(s: string): number[] {
  // Every symbol of a normalized name is in VOCAB, so the lookup cannot miss.
  return Array.from(normalizeName(s), (ch) => VOCAB_INDEX.get(ch)!);
}
