import type { Shape } from '../ir/shape.js';
import { expectRank, positive } from './attrs.js';
import { oddSameWarnings, windowOf, windowShape, type WindowAttrs } from './conv.js';
import { defineOp, OpError, type AttrsOf, type OpDef } from './op.js';
import { onnxWindowAttrs } from './onnx-window.js';
import { enumType, intOrTupleType, optionalIntOrTupleType } from './param-types.js';

const axisNames = (rank: number): string[] => (rank === 1 ? ['length'] : ['height', 'width']);
const layout = (rank: number): string => `[${[...axisNames(rank), 'channels'].join(', ')}]`;

const poolParams = (rank: number) =>
  [
    {
      name: 'pool_size',
      type: intOrTupleType(rank),
      default: Array(rank).fill(2),
      doc: 'Window size, one int per spatial axis or one for all.',
    },
    {
      name: 'stride',
      type: optionalIntOrTupleType(rank),
      default: null,
      doc: 'Step of the window; `none` means `pool_size`.',
    },
    {
      name: 'padding',
      type: enumType(['valid', 'same']),
      default: 'valid',
      doc: '`"valid"` (whole windows only) or `"same"` (TensorFlow rules: output = ceil(input / stride)).',
    },
  ] as const;
type PoolAttrs = AttrsOf<ReturnType<typeof poolParams>>;

/** The pooling arguments in the form the convolution window helpers read. */
function windowAttrs(a: PoolAttrs, rank: number): WindowAttrs {
  return {
    kernel_size: a.pool_size,
    stride: a.stride ?? a.pool_size,
    dilation: Array<number>(rank).fill(1),
    padding: a.padding,
  };
}

/** Under `valid`, every pooled axis must hold at least one window. */
function checkFits(op: string, x: Shape, a: PoolAttrs, rank: number): void {
  if (a.padding !== 'valid') return;
  const pool = a.pool_size;
  x.slice(0, rank).forEach((n, i) => {
    if (typeof n === 'number' && n < pool[i]) {
      const axis = axisNames(rank)[i];
      throw new OpError(
        `${op} window of size ${pool[i]} is larger than the input ${axis} ${n} under 'valid' padding`,
        'E3003',
        'pool_size',
        [`the input ${axis} must be at least ${pool[i]}, or use padding: "same"`],
      );
    }
  });
}

function poolOp(kind: 'max' | 'avg', rank: 1 | 2): OpDef {
  const name = `${kind}_pool${rank}d`;
  const what = kind === 'max' ? 'Max' : 'Average';
  return defineOp({
    name,
    category: 'pooling',
    doc: `${what} pooling over the spatial axes of \`${layout(rank)}\` inputs, per channel; counted as 0 MACs.`,
    inputs: { min: 1, max: 1 },
    params: poolParams(rank),
    shape([x], a) {
      positive(a, 'pool_size');
      if (a.stride !== null) positive(a, 'stride');
      expectRank(x, rank + 1, layout(rank), name);
      checkFits(name, x, a, rank);
      return [...windowShape(name, x, windowAttrs(a, rank), rank), x[rank]];
    },
    weights: () => [],
    macs: () => 0n,
    warnings: ([x], a) => oddSameWarnings(x, windowAttrs(a, rank), rank),
    // A 1x1 window moving by 1 copies its input.
    isIdentity: (a) =>
      a.pool_size.every((k) => k === 1) && (a.stride === null || a.stride.every((s) => s === 1)),
    tfjs(c) {
      const poolSize = c.attrs.pool_size;
      const strides = c.attrs.stride ?? poolSize;
      const padding = c.attrs.padding;
      const l = c.tf.layers;
      if (rank === 1) {
        const make = kind === 'max' ? l.maxPooling1d : l.averagePooling1d;
        return make({ name: c.name, poolSize: poolSize[0], strides: strides[0], padding });
      }
      const args = {
        name: c.name,
        poolSize: poolSize as [number, number],
        strides: strides as [number, number],
        padding,
      };
      return kind === 'max' ? l.maxPooling2d(args) : l.averagePooling2d(args);
    },
    // `same` average pooling counts only real elements, as TensorFlow does.
    onnx(c) {
      const x = c.inputAs(0, 'channels_first');
      const w = windowAttrs(c.attrs, rank);
      const window = onnxWindowAttrs(c.inputs[0], windowOf(w), false);
      const y =
        kind === 'max'
          ? c.node('MaxPool', [x], window)
          : c.node('AveragePool', [x], { ...window, count_include_pad: 0 });
      return { name: y, layout: 'channels_first' };
    },
  });
}

export const maxPool1d = poolOp('max', 1);
export const avgPool1d = poolOp('avg', 1);
export const maxPool2d = poolOp('max', 2);
export const avgPool2d = poolOp('avg', 2);
