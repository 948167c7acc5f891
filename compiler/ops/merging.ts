import { broadcastShapes, sameShapes } from './broadcast.js';
import type { BroadcastOp } from './custom-layers.js';
import { defineOp, type OpDef, type TfjsContext } from './op.js';
import type { OnnxContext, OnnxLayout, OnnxValue } from './onnx.js';
import { layoutPerm } from './onnx-layout.js';
import { commonLayout } from './onnx-nodes.js';
import { scalarWeight } from './onnx-weights.js';
import { floatType } from './param-types.js';

type Layer = ReturnType<NonNullable<OpDef['tfjs']>>;

/**
 * Input `i` for an elementwise node of rank `rank` in `layout`: as it is when it has that rank,
 * else (fewer dims, NumPy-aligned on the last one) in netc's order with 1s inserted after the
 * batch (ONNX's own broadcasting would align it with the batch), then transposed to `layout`.
 */
function alignedInput(c: OnnxContext, i: number, rank: number, layout: OnnxLayout): string {
  const own = c.inputs[i].length;
  if (own === rank) return c.inputAs(i, layout);
  const axes = c.int64s(
    `axes_${i}`,
    Array.from({ length: rank - own }, (_, k) => k + 1),
  );
  const full = c.node('Unsqueeze', [c.inputAs(i, 'channels_last'), axes], {}, `unsqueeze_${i}`);
  if (layout === 'channels_last' || rank <= 1) return full;
  const perm = layoutPerm(rank, 'channels_last', layout);
  return c.node('Transpose', [full], { perm }, `transpose_${i}`);
}

/**
 * An elementwise op on ONNX: every input in one layout (that of the inputs of full rank) and
 * rank, then the binary `opType` (a chain of them for more than two inputs, unless `variadic`
 * names an op that takes them all, like Sum). ONNX broadcasts the 1s.
 */
function elementwiseOnnx(opType: string, variadic?: string) {
  return (c: OnnxContext): OnnxValue => {
    const rank = c.output.length;
    const full = c.inputs.flatMap((s, i) => (s.length === rank ? [c.input(i).layout] : []));
    const layout: OnnxLayout =
      full.length === c.inputs.length
        ? commonLayout(c)
        : full.filter((l) => l === 'channels_first').length * 2 > full.length
          ? 'channels_first'
          : 'channels_last';
    const names = c.inputs.map((_, i) => alignedInput(c, i, rank, layout));
    if (names.length > 2 && variadic) return { name: c.node(variadic, names), layout };
    let acc = names[0];
    for (let k = 1; k < names.length; k++) {
      const last = k === names.length - 1;
      acc = c.node(opType, [acc, names[k]], {}, last ? undefined : `partial_${k}`);
    }
    return { name: acc, layout: rank <= 1 ? 'channels_last' : layout };
  };
}

/** The tfjs layer: `same` (tfjs's own, for operands of one shape), else netc's broadcasting one. */
const broadcasting =
  (op: BroadcastOp, same?: (c: TfjsContext) => Layer) =>
  (c: TfjsContext): Layer =>
    same && sameShapes(c.inputs) ? same(c) : c.custom('NetcBroadcast', { name: c.name, op });

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
    doc: `${doc} Operands broadcast over the non-batch dimensions (NumPy rules); counted as 0 MACs.`,
    inputs: { min: 2, max },
    params: [],
    shape: (inputs) => broadcastShapes(name, inputs),
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
  broadcasting('add', (c) => c.tf.layers.add({ name: c.name })),
  elementwiseOnnx('Add', 'Sum'),
  true,
);
export const subtract = elementwise(
  'subtract',
  'Elementwise difference `a - b`.',
  2,
  // tfjs-layers has no Subtract layer.
  broadcasting('sub', (c) => c.custom('NetcSubtract', { name: c.name })),
  elementwiseOnnx('Sub'),
  false,
);
export const multiply = elementwise(
  'multiply',
  'Elementwise product of two or more tensors.',
  Infinity,
  broadcasting('mul', (c) => c.tf.layers.multiply({ name: c.name })),
  elementwiseOnnx('Mul'),
  true,
);

export const divide = elementwise(
  'divide',
  'Elementwise quotient `a / b`.',
  2,
  // tfjs-layers has no Divide layer.
  broadcasting('div'),
  elementwiseOnnx('Div'),
  false,
);

export const scale = defineOp({
  name: 'scale',
  category: 'merging',
  doc: 'Multiplies by a constant `factor` (no weights); counted as 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    {
      name: 'factor',
      type: floatType,
      doc: 'The constant factor.',
      typeHint: 'for one factor per channel, use rescaling([...])',
    },
  ],
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
