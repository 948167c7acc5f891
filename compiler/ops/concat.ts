import { dimsCompatible, formatShape, unifyDim, type Dim, type Shape } from '../ir/shape.js';
import { axisIndex } from './attrs.js';
import { defineOp, OpError } from './op.js';
import { intType } from './param-types.js';

const sum = (dims: Dim[]): Dim =>
  dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((p, d) => p + d, 0) : null;

/** `[a] and [b]`, naming the inputs (from 1) when there are more than two. */
function pair(inputs: readonly Shape[], i: number, j: number): string {
  const where = (k: number) => (inputs.length > 2 ? ` (input ${k + 1})` : '');
  return `${formatShape(inputs[i])}${where(i)} and ${formatShape(inputs[j])}${where(j)}`;
}

function checkRanks(inputs: readonly Shape[]): void {
  const j = inputs.findIndex((s) => s.length !== inputs[0].length);
  if (j > 0)
    throw new OpError(`concat needs inputs of the same rank, found ${pair(inputs, 0, j)}`, 'E3001');
}

function checkDims(inputs: readonly Shape[], axis: number): void {
  for (let j = 1; j < inputs.length; j++) {
    for (let i = 0; i < j; i++) {
      const d = inputs[i].findIndex((n, k) => k !== axis && !dimsCompatible(n, inputs[j][k]));
      if (d >= 0) {
        throw new OpError(
          `concat along axis ${axis} needs the other dimensions to match, but dimension ${d} differs: ${pair(inputs, i, j)}`,
          'E3001',
        );
      }
    }
  }
}

export const concat = defineOp({
  name: 'concat',
  category: 'merging',
  doc: 'Joins two or more tensors along `axis`; every other dimension must match. 0 MACs.',
  inputs: { min: 2, max: Infinity },
  params: [
    {
      name: 'axis',
      type: intType,
      default: -1,
      doc: 'Axis to join on, over the non-batch dimensions (0 is the first; negative counts from the end).',
    },
  ],
  shape(inputs, a) {
    checkRanks(inputs);
    const axis = axisIndex(a, 'axis', inputs[0].length);
    checkDims(inputs, axis);
    return inputs[0].map((_, k) =>
      k === axis
        ? sum(inputs.map((s) => s[k]))
        : inputs.reduce<Dim>((acc, s) => unifyDim(acc, s[k]), null),
    );
  },
  weights: () => [],
  macs: () => 0,
  tfjs: (c) =>
    c.tf.layers.concatenate({
      name: c.name,
      axis: axisIndex(c.attrs, 'axis', c.inputs[0].length) + 1,
    }),
});
