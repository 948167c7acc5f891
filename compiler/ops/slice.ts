import { formatDim, formatShape, type Dim } from '../ir/shape.js';
import { axisIndex, invalid } from './attrs.js';
import { defineOp, OpError } from './op.js';
import type { ParamType } from './param-types.js';
import { boolType, intType } from './param-types.js';

/** An int, or `none` (stored as null) for "to the end". */
const optionalInt: ParamType<number | null> = {
  label: 'int or none',
  convert: (v) => (v.kind === 'none' ? null : v.kind === 'int' ? v.value : undefined),
};

/**
 * The indices `start`, `start + step`, ... before `stop` along a dim of size `n`, as Python's
 * slices count them: negative bounds count from the end, bounds past either end are clamped.
 */
export function sliceRange(n: number, start: number, stop: number | null, step: number) {
  const clamp = (i: number) => Math.min(n, Math.max(0, i < 0 ? i + n : i));
  const from = clamp(start);
  const to = stop === null ? n : clamp(stop);
  const count = Math.max(0, Math.ceil((to - from) / step));
  return { from, count };
}

const params = [
  {
    name: 'axis',
    type: intType,
    default: 0,
    doc: 'The axis (batch excluded; negative from the end).',
  },
  {
    name: 'start',
    type: intType,
    default: 0,
    doc: 'The first index; negative counts from the end.',
  },
  {
    name: 'stop',
    type: optionalInt,
    default: null,
    doc: 'The index to stop before; `none` for the end.',
  },
  { name: 'step', type: intType, default: 1, doc: 'The stride between kept indices, 1 or more.' },
  {
    name: 'squeeze',
    type: boolType,
    default: false,
    doc: 'Remove the axis: `x[i]` keeps one index and drops its dimension.',
  },
] as const;

type SliceAttrs = {
  axis: number;
  start: number;
  stop: number | null;
  step: number;
  squeeze: boolean;
};

/** The axis, the first index and the count kept, checked against the input's shape. */
function resolve(x: readonly Dim[], a: SliceAttrs) {
  const axis = axisIndex(a, 'axis', x.length);
  if (a.step < 1) throw invalid('step', 'an int of 1 or more', a.step);
  const n = x[axis];
  if (typeof n !== 'number') {
    throw new OpError(
      `slicing axis ${axis} of ${formatShape(x)} needs its size, which is ${formatDim(n)} (not known at compile time)`,
      'E3004',
      'axis',
    );
  }
  if (a.squeeze && (a.start < -n || a.start >= n)) {
    throw new OpError(
      `index ${a.start} is out of range for axis ${axis} of ${formatShape(x)} (valid indices: ${-n} to ${n - 1})`,
      'E2004',
      'start',
    );
  }
  const { from, count } = a.squeeze
    ? { from: a.start < 0 ? a.start + n : a.start, count: 1 }
    : sliceRange(n, a.start, a.stop, a.step);
  if (count === 0) {
    const stop = a.stop === null ? '' : String(a.stop);
    throw new OpError(
      `the slice ${a.start}:${stop}:${a.step} of axis ${axis} of ${formatShape(x)} is empty`,
      'E3004',
      'start',
    );
  }
  if (a.squeeze && x.length === 1) {
    throw new OpError(
      `indexing ${formatShape(x)} would leave no dimension; slice it instead (x[${a.start}:${a.start + 1}])`,
      'E3004',
      'squeeze',
    );
  }
  return { axis, from, count };
}

export const slice = defineOp({
  name: 'slice',
  category: 'reshaping',
  doc: 'Keeps every `step`-th index from `start` up to, not including, `stop` along one axis, as a Python slice; with `squeeze`, one index and no axis (`x[0]` in the language). 0 MACs.',
  inputs: { min: 1, max: 1 },
  params,
  shape([x], a) {
    const { axis, count } = resolve(x, a);
    if (a.squeeze) return x.filter((_, k) => k !== axis);
    return x.map((d, k) => (k === axis ? count : d));
  },
  weights: () => [],
  macs: () => 0n,
  isIdentity: (a, [x]) =>
    !a.squeeze && a.step === 1 && a.start === 0 && a.stop === null && x.length > 0,
  tfjs(c) {
    const { axis, from, count } = resolve(c.inputs[0], c.attrs);
    return c.custom('NetcSlice', {
      name: c.name,
      axis: axis + 1,
      start: from,
      count,
      step: c.attrs.step,
      squeeze: c.attrs.squeeze,
    });
  },
  onnx(c) {
    const { axis, from, count } = resolve(c.inputs[0], c.attrs);
    const x = c.inputAs(0, 'channels_last');
    const end = from + (count - 1) * c.attrs.step + 1;
    const sliced = c.node(
      'Slice',
      [
        x,
        c.int64s('starts', [from]),
        c.int64s('ends', [end]),
        c.int64s('axes', [axis + 1]),
        c.int64s('steps', [c.attrs.step]),
      ],
      {},
      c.attrs.squeeze ? 'slice' : undefined,
    );
    if (!c.attrs.squeeze) return { name: sliced, layout: 'channels_last' };
    const name = c.node('Squeeze', [sliced, c.int64s('squeeze_axes', [axis + 1])]);
    return { name, layout: 'channels_last' };
  },
});
