import { elementCount, formatShape, type Shape } from '../ir/shape.js';
import { expectMinRank, expectRank, invalid, positive, sameKnownShape, show } from './attrs.js';
import { defineOp, OpError } from './op.js';
import { intListType, intType } from './param-types.js';

const weightless = { weights: () => [], macs: () => 0n };

/** Same known shape in and out: a row-major reshape then moves nothing. */
const sameShapeIdentity = (_a: unknown, [x]: readonly Shape[], out: Shape): boolean =>
  sameKnownShape(x, out);

/** ONNX value in netc's own layout, which every reshaping op needs (they follow netc's order). */
const ownLayout = (name: string) => ({ name, layout: 'channels_last' as const });

/** The shape as plain numbers when every dim is known. */
const known = (s: Shape): number[] | null =>
  s.every((d) => typeof d === 'number') ? (s as number[]) : null;

export const flatten = defineOp({
  name: 'flatten',
  category: 'reshaping',
  doc: 'Collapses all non-batch dimensions into one (`[7, 7, 512]` gives `[25088]`); 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [],
  shape([x]) {
    expectMinRank(x, 1, 'flatten');
    return x.length === 1 ? x : [elementCount(x)];
  },
  ...weightless,
  isIdentity: sameShapeIdentity,
  // tfjs's Flatten wants rank >= 2 and known sizes; a reshape covers the rest.
  tfjs: ({ tf, name, inputs: [x], output }) =>
    x.length >= 2 && x.every((d) => typeof d === 'number')
      ? tf.layers.flatten({ name })
      : tf.layers.reshape({ name, targetShape: known(output) ?? [-1] }),
  onnx: (c) => ownLayout(c.node('Flatten', [c.inputAs(0, 'channels_last')], { axis: 1 })),
});

/** The target shape with its `-1` resolved from the input's element count when known. */
function reshaped(x: Shape, target: number[]): Shape {
  const known = target.filter((d) => d !== -1);
  const want = known.reduce((p, d) => p * d, 1);
  const have = elementCount(x);
  const hole = target.indexOf(-1);
  const fits = have === null || (hole >= 0 ? have % want === 0 : have === want);
  if (!fits) {
    const why = hole >= 0 ? `${have} is not a multiple of ${want}` : `${want} elements`;
    throw new OpError(
      `cannot reshape ${formatShape(x)} (${have} elements) to ${formatShape(target)} (${why})`,
      'E3004',
      'shape',
    );
  }
  if (hole < 0) return target;
  return target.map((d) => (d !== -1 ? d : have === null ? null : have / want));
}

export const reshape = defineOp({
  name: 'reshape',
  category: 'reshaping',
  doc: 'Reshapes to `shape` (non-batch dimensions, at most one `-1` inferred from the element count), keeping the element order; 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    {
      name: 'shape',
      type: intListType(1),
      doc: 'Target dimensions without the batch; one may be `-1`.',
    },
  ],
  shape([x], a) {
    const target = a.shape;
    const holes = target.filter((d) => d === -1).length;
    if (holes > 1 || target.some((d) => d === 0 || d < -1)) {
      throw invalid('shape', 'strictly positive sizes and at most one -1', target);
    }
    return reshaped(x, target);
  },
  ...weightless,
  isIdentity: sameShapeIdentity,
  // The resolved shape when known: tfjs leaves a -1 unknown in its symbolic shapes.
  tfjs: (c) => c.tf.layers.reshape({ name: c.name, targetShape: known(c.output) ?? c.attrs.shape }),
  // 0 copies the batch size; the rest is the target, its -1 resolved when the sizes are known.
  onnx(c) {
    const shape = c.int64s('shape', [0, ...(known(c.output) ?? c.attrs.shape)]);
    return ownLayout(c.node('Reshape', [c.inputAs(0, 'channels_last'), shape]));
  },
});

export const permute = defineOp({
  name: 'permute',
  category: 'reshaping',
  doc: 'Reorders the non-batch dimensions: `dims` lists, for each output axis, the input axis it takes, counted from 0 over the non-batch dimensions like every `axis` in netc (`[1, 0]` swaps the axes of `[T, F]`; Keras `Permute((2, 1))`); 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    {
      name: 'dims',
      type: intListType(1),
      doc: 'For each output axis, the input axis it takes (0-based, batch excluded).',
    },
  ],
  shape([x], a) {
    const dims = a.dims;
    const sorted = [...dims].sort((p, q) => p - q);
    if (dims.length !== x.length || sorted.some((d, i) => d !== i)) {
      const all = Array.from({ length: x.length }, (_, i) => i).join(', ');
      throw new OpError(
        `invalid value for 'dims': expected a permutation of [${all}] for the input ${formatShape(x)}, found ${show(dims)}`,
        'E2002',
        'dims',
        [
          'dims are 0-based and never include the batch dimension (Keras Permute((2, 1)) is permute([1, 0]))',
        ],
      );
    }
    return dims.map((d) => x[d]);
  },
  ...weightless,
  isIdentity: (a) => a.dims.every((d, i) => d === i),
  // Keras counts the batch: its dims are ours + 1.
  tfjs: (c) => c.tf.layers.permute({ name: c.name, dims: c.attrs.dims.map((d) => d + 1) }),
  onnx(c) {
    const perm = [0, ...c.attrs.dims.map((d) => d + 1)];
    return ownLayout(c.node('Transpose', [c.inputAs(0, 'channels_last')], { perm }));
  },
});

export const repeatVector = defineOp({
  name: 'repeat_vector',
  category: 'reshaping',
  doc: 'Repeats a `[features]` input `n` times, giving `[n, features]`; 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [{ name: 'n', type: intType, doc: 'Number of repetitions.' }],
  shape([x], a) {
    positive(a, 'n');
    expectRank(x, 1, '[features]', 'repeat_vector');
    return [a.n, x[0]];
  },
  ...weightless,
  tfjs: (c) => c.tf.layers.repeatVector({ name: c.name, n: c.attrs.n }),
  // [batch, features] -> [batch, 1, features] -> tiled n times on axis 1.
  onnx(c) {
    const x = c.inputAs(0, 'channels_last');
    const row = c.node('Unsqueeze', [x, c.int64s('axes', [1])], {}, 'unsqueeze');
    return ownLayout(c.node('Tile', [row, c.int64s('repeats', [1, c.attrs.n, 1])]));
  },
});
