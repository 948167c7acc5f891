import { formatShape, unifyDim, type Shape } from '../ir/shape.js';
import { defineOp, OpError, type OpDef, type TfjsContext } from './op.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { commonLayout } from './onnx-nodes.js';
import { scalarWeight } from './onnx-weights.js';
import { floatType } from './param-types.js';

type Layer = ReturnType<NonNullable<OpDef['tfjs']>>;

/** The mismatch error; with more than two operands it names them, counting from 1. */
function mismatch(op: string, inputs: readonly Shape[], i: number, j: number): OpError {
  const label = (k: number) =>
    formatShape(inputs[k]) + (inputs.length > 2 ? ` (input ${k + 1})` : '');
  return new OpError(
    `${op} needs operands of the same shape, found ${label(i)} and ${label(j)}`,
    'E3001',
    undefined,
    ['shapes must match exactly: there is no broadcasting'],
  );
}

/** The common shape of `inputs`, most informative dim per axis; unknown dims match anything. */
export function sameShape(op: string, inputs: readonly Shape[]): Shape {
  // The first incompatible pair (i < j, by j then i), found in linear time: the inputs before j
  // agree with each other, so j clashes first with input 0 (another rank) or with the earliest
  // input that knows a dim j disagrees with. A list of thousands of tensors stays fast.
  const firstKnown: number[] = [];
  for (let j = 0; j < inputs.length; j++) {
    let i = inputs[j].length === inputs[0].length ? -1 : 0;
    if (i < 0) {
      inputs[j].forEach((n, k) => {
        if (n === null) return;
        const f = firstKnown[k];
        if (f === undefined) firstKnown[k] = j;
        else if (inputs[f][k] !== n && (i < 0 || f < i)) i = f;
      });
    }
    if (i >= 0) throw mismatch(op, inputs, i, j);
  }
  return inputs.reduce((acc, s) => acc.map((d, k) => unifyDim(d, s[k])));
}

/**
 * An elementwise op on ONNX: every input in one layout, then the binary `opType` (a chain of
 * them for more than two inputs, unless `variadic` names an op that takes them all, like Sum).
 */
function elementwiseOnnx(opType: string, variadic?: string) {
  return (c: OnnxContext): OnnxValue => {
    const layout = commonLayout(c);
    const names = c.inputs.map((_, i) => c.inputAs(i, layout));
    if (names.length > 2 && variadic) return { name: c.node(variadic, names), layout };
    let acc = names[0];
    for (let k = 1; k < names.length; k++) {
      const last = k === names.length - 1;
      acc = c.node(opType, [acc, names[k]], {}, last ? undefined : `partial_${k}`);
    }
    return { name: acc, layout };
  };
}

function elementwise(
  name: string,
  doc: string,
  max: number,
  tfjs: (c: TfjsContext) => Layer,
  onnx: (c: OnnxContext) => OnnxValue,
  identityWhenAlone: boolean,
): OpDef {
  return defineOp({
    name,
    category: 'merging',
    doc: `${doc} Operands must have the same shape (no broadcasting); counted as 0 MACs.`,
    inputs: { min: 2, max },
    params: [],
    shape: (inputs) => sameShape(name, inputs),
    weights: () => [],
    macs: () => 0n,
    // One operand left (after a pass removed the others): nothing to combine it with.
    isIdentity: identityWhenAlone ? (_a, inputs) => inputs.length === 1 : undefined,
    tfjs,
    onnx,
  });
}

export const add = elementwise(
  'add',
  'Elementwise sum of two or more tensors.',
  Infinity,
  (c) => c.tf.layers.add({ name: c.name }),
  elementwiseOnnx('Add', 'Sum'),
  true,
);
export const subtract = elementwise(
  'subtract',
  'Elementwise difference `a - b`.',
  2,
  // tfjs-layers has no Subtract layer.
  (c) => c.custom('NetcSubtract', { name: c.name }),
  elementwiseOnnx('Sub'),
  false,
);
export const multiply = elementwise(
  'multiply',
  'Elementwise product of two or more tensors.',
  Infinity,
  (c) => c.tf.layers.multiply({ name: c.name }),
  elementwiseOnnx('Mul'),
  true,
);

export const scale = defineOp({
  name: 'scale',
  category: 'merging',
  doc: 'Multiplies by a constant `factor` (no weights); counted as 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [{ name: 'factor', type: floatType, doc: 'The constant factor.' }],
  shape: ([x]) => x,
  weights: () => [],
  macs: () => 0n,
  isIdentity: (a) => a.factor === 1,
  tfjs: (c) => c.custom('NetcScale', { name: c.name, factor: c.attrs.factor }),
  onnx(c) {
    const x = c.input(0);
    const factor = c.constant('factor', scalarWeight(c.attrs.factor));
    return { name: c.node('Mul', [x.name, factor]), layout: x.layout };
  },
});
