import { describe, expect, it } from 'vitest';
import { conv2d } from '../../../compiler/ops/conv.js';
import { dense } from '../../../compiler/ops/dense.js';
import { maxPool2d } from '../../../compiler/ops/pooling.js';
import { resolveAttrs } from '../../../compiler/ops/resolve-attrs.js';
import { suggest } from '../../../compiler/util/did-you-mean.js';
import { f, toValue, type Arg } from './helpers.js';

const resolve = (op: typeof dense, args: Record<string, Arg>) =>
  resolveAttrs(op, Object.fromEntries(Object.entries(args).map(([k, v]) => [k, toValue(v)])));

describe('resolveAttrs', () => {
  it('converts values and fills defaults in parameter order', () => {
    expect(resolve(conv2d, { kernel_size: 3, filters: 8 })).toEqual({
      attrs: {
        filters: 8,
        kernel_size: [3, 3],
        stride: [1, 1],
        padding: 'same',
        dilation: [1, 1],
        groups: 1,
        bias: true,
        activation: 'linear',
      },
    });
    const r = resolve(maxPool2d, { stride: null, padding: 'same' });
    expect(r).toEqual({ attrs: { pool_size: [2, 2], stride: null, padding: 'same' } });
  });

  it('reports an unknown argument with a suggestion', () => {
    expect(resolve(dense, { unit: 4 })).toEqual({
      error: {
        param: 'unit',
        code: 'E1003',
        message: "dense has no argument 'unit'; did you mean 'units'?",
      },
    });
    const far = resolve(dense, { xyz: 4 });
    expect('error' in far && far.error.message).toBe("dense has no argument 'xyz'");
  });

  it('reports a wrong type with the value', () => {
    const r = resolve(dense, { units: 2.5 });
    expect(r).toEqual({
      error: {
        param: 'units',
        code: 'E2001',
        message: "wrong type for 'units' of dense: expected int, found float 2.5",
      },
    });
    const one = resolve(dense, { units: f(1) });
    expect('error' in one && one.error.message).toContain('found float 1.0');
    const tensor = resolve(dense, { units: { kind: 'tensor', node: 0, shape: [8] } });
    expect('error' in tensor && tensor.error.message).toContain('found tensor [8]');
    const none = resolve(dense, { units: null });
    expect('error' in none && none.error.message).toMatch(/found none$/);
  });

  it('suggests an enum choice for a misspelt string', () => {
    const r = resolve(conv2d, { filters: 8, kernel_size: 3, padding: 'sam' });
    expect('error' in r && r.error.message).toContain('did you mean "same"?');
  });

  it('reports a missing required argument', () => {
    expect(resolve(dense, {})).toEqual({
      error: {
        param: 'units',
        code: 'E1004',
        message: "dense is missing its required argument 'units'",
      },
    });
  });

  it('accepts an int for a float parameter', () => {
    expect(resolve(dense, { units: 4, bias: false })).toMatchObject({ attrs: { units: 4 } });
  });

  it('is silent on poisoned values', () => {
    const r = resolveAttrs(dense, { units: { kind: 'poison' } });
    expect('error' in r && r.error.silent).toBe(true);
  });
});

describe('suggest', () => {
  it.each([
    ['unit', ['units', 'bias'], 'units'],
    ['untis', ['units'], 'units'], // one transposition
    ['kernal_size', ['filters', 'kernel_size'], 'kernel_size'],
    ['strides', ['stride', 'padding'], 'stride'],
    ['xyz', ['units'], undefined],
    ['ab', ['xy'], undefined], // 2 edits > max(1, floor(2 / 3))
    ['a', ['b'], 'b'], // 1 edit is always allowed
    ['cat', ['cut', 'cap'], 'cut'], // ties go to the first
    ['paddnig_mode', ['padding'], undefined], // 6 edits > 4
  ])('suggest(%j, %j) = %j', (name, candidates, want) => {
    expect(suggest(name, candidates)).toBe(want);
  });
});
