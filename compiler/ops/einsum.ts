import { dimsCompatible, formatShape, unifyDim, type Dim, type Shape } from '../ir/shape.js';
import { exactProduct } from './attrs.js';
import { planEinsum, type EinsumPlan } from './einsum-plan.js';
import { defineOp, OpError } from './op.js';
import { stringType } from './param-types.js';

/** The plan of the equation for these operands, or the argument error. */
function plan(inputs: readonly Shape[], equation: string): EinsumPlan {
  const p = planEinsum(equation, [inputs[0].length, inputs[1].length]);
  if (typeof p === 'string') {
    throw new OpError(`invalid value for 'equation': ${p}`, 'E2002', 'equation');
  }
  return p;
}

/** The size of every letter but the batch's, checked to agree between the operands. */
function letterSizes(inputs: readonly Shape[], p: EinsumPlan): Map<string, Dim> {
  const sizes = new Map<string, Dim>();
  [p.a, p.b].forEach((letters, k) => {
    [...letters].slice(1).forEach((ch, i) => {
      const d = inputs[k][i];
      const seen = sizes.get(ch);
      if (seen !== undefined && !dimsCompatible(seen, d)) {
        throw new OpError(
          `einsum '${p.equation}': letter '${ch}' is ${String(seen)} in the first operand ${formatShape(inputs[0])} but ${String(d)} in the second ${formatShape(inputs[1])}`,
          'E3001',
        );
      }
      sizes.set(ch, seen === undefined ? d : unifyDim(seen, d));
    });
  });
  return sizes;
}

export const einsum = defineOp({
  name: 'einsum',
  category: 'merging',
  doc: 'Einstein summation of two tensors, `einsum(a, b, "qd,kd->qk")`: one letter per non-batch dim (or one more each, the batch first: `"bqd,bkd->bqk"`), letters of both operands missing from the output summed (no traces, no `...`), run as transposes around one batched matmul. MACs: the product of every letter\'s size.',
  inputs: { min: 2, max: 2 },
  params: [
    {
      name: 'equation',
      type: stringType,
      doc: 'The subscripts, `"a,b->out"`, e.g. `"bqd,bkd->bqk"` (attention scores), `"bqk,bkd->bqd"`, `"bhqd,bhkd->bhqk"`.',
    },
  ],
  shape(inputs, a) {
    const p = plan(inputs, a.equation);
    const sizes = letterSizes(inputs, p);
    return [...p.out].slice(1).map((ch) => sizes.get(ch)!);
  },
  weights: () => [],
  macs(inputs, a) {
    const p = plan(inputs, a.equation);
    return exactProduct([...letterSizes(inputs, p).values()]);
  },
  tfjs: (c) =>
    c.custom('NetcEinsum', { name: c.name, equation: plan(c.inputs, c.attrs.equation).equation }),
  onnx(c) {
    const p = plan(c.inputs, c.attrs.equation);
    const operands = [c.inputAs(0, 'channels_last'), c.inputAs(1, 'channels_last')];
    return { name: c.node('Einsum', operands, { equation: p.equation }), layout: 'channels_last' };
  },
});
