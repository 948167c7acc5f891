/**
 * Masking of padded steps (issue 14): `step_mask` turns ids `[T]` or features `[T, F]` into the
 * mask `[T]` the recurrent ops take as their optional second input (1: a step to read, 0: a
 * padded one), and `masking` zeroes the padded steps of a sequence as Keras' `Masking` does. The
 * lowering inserts `step_mask` by itself between `embedding(mask_zero: true)` or `masking` and
 * the recurrent ops that read them (compiler/lower/masks.ts).
 */
import { formatShape, type Shape } from '../ir/shape.js';
import { defineOp, OpError } from './op.js';
import type { OnnxContext } from './onnx.js';
import { floatType } from './param-types.js';

const maskValueParam = {
  name: 'mask_value',
  type: floatType,
  default: 0,
  doc: 'The value of a padded step: the id itself, or every one of its features.',
} as const;

/** TensorProto.DataType.FLOAT. */
const ONNX_FLOAT = 1;

function sequenceOrIds(x: Shape, op: string, ids: boolean): void {
  const ok = ids ? x.length === 1 || x.length === 2 : x.length === 2;
  if (!ok) {
    const expected = ids ? 'ids [steps] or a sequence [steps, features]' : '[steps, features]';
    throw new OpError(`${op} expects ${expected}, found ${formatShape(x)}`, 'E3004');
  }
}

/**
 * `[batch, steps]` in ONNX: 1 where a step differs from `mask_value` (ids), or where any of its
 * features does (features, summed over the last axis with `keep` and then `Sign`).
 */
function onnxKeep(c: OnnxContext<{ readonly mask_value: number }>, keepDims: boolean): string {
  const x = c.inputAs(0, 'channels_last');
  const value = c.constant('mask_value', {
    shape: [],
    data: Float32Array.of(c.attrs.mask_value),
  });
  const same = c.node('Equal', [x, value], {}, 'padded');
  const differs = c.node('Cast', [c.node('Not', [same], {}, 'differs')], { to: ONNX_FLOAT }, 'f');
  if (c.inputs[0].length === 1) return differs;
  const axis = c.int64s('feature_axis', [-1]);
  const count = c.node('ReduceSum', [differs, axis], { keepdims: keepDims ? 1 : 0 }, 'count');
  return count;
}

export const stepMask = defineOp({
  name: 'step_mask',
  category: 'recurrent',
  doc: "The mask `[T]` of padded steps, the optional second input of `lstm`, `gru` and `simple_rnn`: for ids `[T]` 1 where the id differs from `mask_value`, for a sequence `[T, F]` 1 where any feature does (the compiler inserts it after `embedding(mask_zero: true)` and `masking`: docs/language.md, Masking). As in Keras a padded step (0) keeps the recurrent states, so the last output is the last real step's, and with `return_sequences` it repeats the previous output (zeros with `bidirectional`, as Keras' Bidirectional); the ONNX export passes the count of real steps as `sequence_lens`, the same for right-padded sequences only; 0 MACs.",
  inputs: { min: 1, max: 1 },
  params: [maskValueParam],
  shape([x]) {
    sequenceOrIds(x, 'step_mask', true);
    return [x[0]];
  },
  weights: () => [],
  macs: () => 0n,
  tfjs: (c) => c.custom('NetcStepMask', { name: c.name, maskValue: c.attrs.mask_value }),
  onnx(c) {
    const keep = onnxKeep(c, false);
    const name = c.inputs[0].length === 1 ? c.node('Identity', [keep]) : c.node('Sign', [keep]);
    return { name, layout: 'channels_last' };
  },
});

export const masking = defineOp({
  name: 'masking',
  category: 'recurrent',
  doc: "Keras' `Masking`: a step of `[T, F]` whose every feature equals `mask_value` is padding; it comes out as zeros, and the recurrent layers after it (directly or through dropout, activations, dense and normalization layers) skip it. Keeps the input shape; 0 MACs.",
  inputs: { min: 1, max: 1 },
  params: [maskValueParam],
  shape([x]) {
    sequenceOrIds(x, 'masking', false);
    return x;
  },
  weights: () => [],
  macs: () => 0n,
  tfjs: (c) => c.custom('NetcMasking', { name: c.name, maskValue: c.attrs.mask_value }),
  onnx(c) {
    const keep = c.node('Sign', [onnxKeep(c, true)], {}, 'keep');
    const x = c.inputAs(0, 'channels_last');
    return { name: c.node('Mul', [x, keep]), layout: 'channels_last' };
  },
});

/** The masking ops, in documentation order. */
export const maskingOps = [masking, stepMask];
