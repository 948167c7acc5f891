import { describe, expect, it } from 'vitest';
import { defineOp, type TfjsContext } from '../../../compiler/ops/op.js';
import { enumType, intOrTupleType, intType } from '../../../compiler/ops/param-types.js';

/**
 * Compile-time checks (tsc runs over tests/): each `@ts-expect-error` line must be an error, or
 * tsc fails on the unused directive. The runtime assertions only keep vitest honest.
 */
describe('typed op attributes and custom layer configs', () => {
  it('types attributes from the param specs', () => {
    const op = defineOp({
      name: 'probe',
      category: 'convolution',
      doc: 'A probe op for the type checks.',
      inputs: { min: 1, max: 1 },
      params: [
        { name: 'filters', type: intType, doc: 'Filters.' },
        { name: 'stride', type: intOrTupleType(2), default: [1, 1], doc: 'Stride.' },
        { name: 'padding', type: enumType(['same', 'valid']), default: 'same', doc: 'Padding.' },
      ],
      shape(_x, a) {
        const filters: number = a.filters;
        const stride: number[] = a.stride;
        const padding: 'same' | 'valid' = a.padding;
        // @ts-expect-error: a misspelt attribute name does not compile.
        void a.filter;
        // @ts-expect-error: a padding is not a number.
        const wrong: number = a.padding;
        void wrong;
        return [filters * stride[0], padding === 'same' ? 1 : 0];
      },
      weights: () => [],
      macs: () => 0n,
    });
    expect(op.shape([[1]], { filters: 2, stride: [3, 3], padding: 'same' })).toEqual([6, 1]);
  });

  it('types ctx.custom configs by class name', () => {
    const lower = (c: TfjsContext) => {
      c.custom('NetcScale', { name: 'x', factor: 2 });
      // @ts-expect-error: a misspelt key does not compile.
      c.custom('NetcScale', { name: 'x', factr: 2 });
      // @ts-expect-error: a wrong value type does not compile.
      c.custom('NetcElu', { name: 'x', alpha: 'one' });
      // @ts-expect-error: an unknown class does not compile.
      return c.custom('NetcNothing', { name: 'x' });
    };
    expect(typeof lower).toBe('function');
  });
});
