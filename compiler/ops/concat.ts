import { dimsCompatible, formatShape, unifyDim, type Dim, type Shape } from '../ir/shape.js';
import { axisIndex } from './attrs.js';
import { defineOp, OpError } from './op.js';
import { onnxAxis } from './onnx-layout.js';
import { commonLayout } from './onnx-nodes.js';
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

/**
 * Reports the first pair (i < j, by j then i) whose dimensions other than `axis` differ. Linear:
 * the inputs before j agree on every known dim, so j clashes first with the earliest input that
 * knows a dim j disagrees with (a list of thousands of tensors must not take quadratic time).
 */
function checkDims(inputs: readonly Shape[], axis: number): void {
  const firstKnown: number[] = [];
  for (let j = 0; j < inputs.length; j++) {
    let i = -1;
    inputs[j].forEach((n, k) => {
      if (k === axis || n === null) return;
      const f = firstKnown[k];
      if (f === undefined) firstKnown[k] = j;
      else if (!dimsCompatible(inputs[f][k], n) && (i < 0 || f < i)) i = f;
    });
    if (i < 0) continue;
    const d = inputs[i].findIndex((n, k) => k !== axis && !dimsCompatible(n, inputs[j][k]));
    throw new OpError(
      `concat along axis ${axis} needs the other dimensions to match, but dimension ${d} differs: ${pair(inputs, i, j)}`,
      'E3001',
    );
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
  macs: () => 0n,
  isIdentity: (_a, inputs) => inputs.length === 1,
  tfjs: (c) =>
    c.tf.layers.concatenate({
      name: c.name,
      axis: axisIndex(c.attrs, 'axis', c.inputs[0].length) + 1,
    }),
  onnx(c) {
    const rank = c.inputs[0].length;
    const layout = commonLayout(c);
    const names = c.inputs.map((_, i) => c.inputAs(i, layout));
    const axis = onnxAxis(axisIndex(c.attrs, 'axis', rank), rank, layout);
    return { name: c.node('Concat', names, { axis }), layout };
  },
});
