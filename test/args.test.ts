// The option parser: plain decimal numbers only, range checks, and every refusal a UsageError naming the option.
import { describe, expect, it } from 'vitest';
import { parseArgs, parseStrictNumber, UsageError, type Specs } from '../src/cli/args.js';

const SPECS: Specs = {
  hidden: { type: 'int', min: 1, max: 65536, default: 128, help: 'h', in: ['train'] },
  lr: { type: 'number', above: 0, default: 0.003, help: 'l', in: ['train'] },
  clip: { type: 'number', min: 0, default: 1, help: 'c', in: ['train'] },
};
const parse = (...argv: string[]) => parseArgs('train', argv, SPECS).opts;
const refuse = (re: RegExp, ...argv: string[]) => expect(() => parse(...argv)).toThrow(re);

describe('strict number options', () => {
  it('reads plain decimal integers and numbers, with exponents', () => {
    expect(parse('--hidden', '32', '--lr', '0.01', '--clip', '0')).toMatchObject({ hidden: 32, lr: 0.01, clip: 0 });
    expect(parse('--lr=1e-3', '--hidden=+7')).toMatchObject({ lr: 0.001, hidden: 7 });
    expect(parse('--lr', '.5')).toMatchObject({ lr: 0.5 });
    expect(parse('--lr', '2.')).toMatchObject({ lr: 2 });
  });

  it('refuses hex, binary, octal, blanks, Infinity and fractions for integers', () => {
    for (const v of ['0x20', '0X20', '0b11', '0o7', ' 12', '12 ', '', 'Infinity', '1_000', '12abc', '3.5', '1e3']) {
      refuse(/--hidden expects an integer/, '--hidden', v);
    }
    for (const v of ['0x1', 'Infinity', '-Infinity', 'NaN', '1e', '.', '1..2', ' 0.1', '1e999']) refuse(/--lr expects a number/, '--lr', v);
  });

  it('--lr must be greater than 0; minimums and maximums are inclusive', () => {
    refuse(/--lr must be greater than 0, got 0/, '--lr', '0');
    refuse(/--lr must be greater than 0/, '--lr', '-0.1');
    refuse(/--hidden must be at least 1/, '--hidden', '0');
    refuse(/--hidden must be at most 65536/, '--hidden', '65537');
    expect(parse('--hidden', '65536', '--clip', '0')).toMatchObject({ hidden: 65536, clip: 0 });
    expect(() => parse('--hidden', '0x20')).toThrow(UsageError);
  });

  it('parseStrictNumber refuses integers beyond 2^53', () => {
    expect(parseStrictNumber('9007199254740991', true)).toBe(9007199254740991);
    expect(parseStrictNumber('9007199254740993', true)).toBeUndefined();
    expect(parseStrictNumber('-0', false)).toBe(-0);
  });
});
