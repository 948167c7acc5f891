/**
 * The ONNX export of the recurrent ops: one ONNX `LSTM`, `GRU` or `RNN` node over the
 * time-major sequence, its weights converted from Keras' layout (`kernel [features, gates *
 * units]`, gates i,f,c,o / z,r,h) to ONNX's (`W [directions, gates * units, features]`, gates
 * i,o,f,c / z,r,h, and two bias halves `Wb`, `Rb`). Its output `Y [steps, directions, batch,
 * units]` is aligned with the input steps in both directions; the last output and Keras'
 * `go_backwards` order are slices of it.
 */
import type { WeightArray } from '../ir/weights.js';
import type { OnnxAttr, OnnxContext, OnnxValue } from './onnx.js';
import {
  GATES,
  biasShape,
  directions,
  stateCount,
  type CellKind,
  type RecurrentAttrs,
} from './recurrent.js';

/** For each ONNX gate block, the Keras block it is: LSTM i,o,f,c from Keras i,f,c,o. */
export const ONNX_GATE_ORDER: Readonly<Record<CellKind, readonly number[]>> = {
  lstm: [0, 3, 1, 2],
  gru: [0, 1, 2],
  simple_rnn: [0],
};

const ONNX_OP: Readonly<Record<CellKind, string>> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'RNN' };

/** ONNX activation names (netc's `hard_sigmoid` is `x / 6 + 0.5`: alpha 1/6, beta 0.5). */
const ONNX_ACTIVATION = {
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  relu: 'Relu',
  hard_sigmoid: 'HardSigmoid',
} as const;

/** The largest int64 a Slice end needs: past any length. */
const END = Number.MAX_SAFE_INTEGER;

/**
 * `w [rows, gates * units]` (Keras) as `[gates * units, rows]` with its gate blocks in ONNX
 * order: output row `k * units + j` is column `order[k] * units + j` of `w`.
 */
export function onnxGateRows(
  w: WeightArray,
  order: readonly number[],
  units: number,
): Float32Array {
  const [rows, cols] = w.shape;
  const out = new Float32Array(rows * cols);
  order.forEach((block, k) => {
    for (let j = 0; j < units; j++) {
      const src = block * units + j;
      const dst = (k * units + j) * rows;
      for (let r = 0; r < rows; r++) out[dst + r] = w.data[r * cols + src];
    }
  });
  return out;
}

/** A bias row of `gates * units` in ONNX gate order. */
function onnxBiasRow(row: Float32Array, order: readonly number[], units: number): Float32Array {
  const out = new Float32Array(row.length);
  order.forEach((block, k) => out.set(row.subarray(block * units, (block + 1) * units), k * units));
  return out;
}

/** `B [2 * gates * units]` of one direction: `Wb` then `Rb` (GRU `reset_after`: Keras' two rows). */
function onnxBias(kind: CellKind, a: RecurrentAttrs, bias: WeightArray | null): Float32Array {
  const order = ONNX_GATE_ORDER[kind];
  const g = GATES[kind] * a.units;
  const out = new Float32Array(2 * g);
  if (!bias) return out;
  if (biasShape(kind, a).length === 2) {
    out.set(onnxBiasRow(bias.data.subarray(0, g), order, a.units), 0);
    out.set(onnxBiasRow(bias.data.subarray(g, 2 * g), order, a.units), g);
  } else out.set(onnxBiasRow(bias.data, order, a.units), 0);
  return out;
}

/** One constant `[directions, ...]` from the per-direction arrays. */
function stacked(parts: readonly Float32Array[], shape: readonly number[]): WeightArray {
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { shape: [parts.length, ...shape], data };
}

/** The node's attributes: size, direction, activations unless the defaults, GRU's reset. */
function nodeAttrs(kind: CellKind, a: RecurrentAttrs): Record<string, OnnxAttr> {
  const gate = a.recurrent_activation ?? 'sigmoid';
  const perDirection =
    kind === 'lstm'
      ? [gate, a.activation, a.activation]
      : kind === 'gru'
        ? [gate, a.activation]
        : [a.activation];
  const all = directions(a).flatMap(() => perDirection);
  const attrs: Record<string, OnnxAttr> = {
    hidden_size: a.units,
    direction: a.bidirectional ? 'bidirectional' : a.go_backwards ? 'reverse' : 'forward',
  };
  const defaults = kind === 'simple_rnn' ? ['tanh'] : kind === 'gru' ? ['sigmoid', 'tanh'] : [];
  const isDefault =
    (kind === 'lstm' && gate === 'sigmoid' && a.activation === 'tanh') ||
    perDirection.every((f, i) => f === defaults[i]);
  if (!isDefault) {
    attrs.activations = { strings: all.map((f) => ONNX_ACTIVATION[f]) };
    const hard = all.filter((f) => f === 'hard_sigmoid');
    if (hard.length > 0) {
      attrs.activation_alpha = { floats: hard.map(() => 1 / 6) };
      attrs.activation_beta = { floats: hard.map(() => 0.5) };
    }
  }
  if (kind === 'gru') attrs.linear_before_reset = a.reset_after === true ? 1 : 0;
  return attrs;
}

/** The ONNX lowering of the recurrent op of cell `kind`. */
export function recurrentOnnx(kind: CellKind) {
  return (c: OnnxContext<RecurrentAttrs>): OnnxValue => {
    const a = c.attrs;
    const order = ONNX_GATE_ORDER[kind];
    const prefixes = directions(a);
    const features = c.inputs[0][1] as number;
    const g = GATES[kind] * a.units;
    const w = (p: string, name: string) => c.weight(`${p}${name}`);
    const W = stacked(
      prefixes.map((p) => onnxGateRows(w(p, 'kernel'), order, a.units)),
      [g, features],
    );
    const R = stacked(
      prefixes.map((p) => onnxGateRows(w(p, 'recurrent_kernel'), order, a.units)),
      [g, a.units],
    );
    const B = stacked(
      prefixes.map((p) => onnxBias(kind, a, a.bias ? w(p, 'bias') : null)),
      [2 * g],
    );
    const x = c.node('Transpose', [c.inputAs(0, 'channels_last')], { perm: [1, 0, 2] }, 'steps');
    const ins = [x, c.constant('W', W), c.constant('R', R), c.constant('B', B)];
    // A mask [batch, steps] is passed as the count of real steps, sequence_lens: the same as
    // Keras' mask for right-padded sequences.
    const n = a.initial_state ?? 0;
    const kept = c.inputs.length > 1 + n ? keptSteps(c, 1 + n) : null;
    if (kept || n > 0) ins.push(kept ? sequenceLens(c, kept) : '');
    if (n > 0) ins.push(...initialStates(c, kind, n));
    const attrs = nodeAttrs(kind, a);
    const outputs = ['y', 'y_h', ...(kind === 'lstm' && a.return_state ? ['y_c'] : [])];
    const [y, yh, yc] =
      kept || a.return_state
        ? c.nodeOutputs(ONNX_OP[kind], ins, attrs, outputs)
        : [c.node(ONNX_OP[kind], ins, attrs, 'y'), ''];
    const slice = (
      from: string,
      starts: number[],
      ends: number[],
      axes: number[],
      part: string,
      steps?: number[],
    ) =>
      c.node(
        'Slice',
        [
          from,
          c.int64s(`${part}_starts`, starts),
          c.int64s(`${part}_ends`, ends),
          c.int64s(`${part}_axes`, axes),
          ...(steps ? [c.int64s(`${part}_steps`, steps)] : []),
        ],
        {},
        part,
      );
    // The value of direction d: its step outputs [batch, steps, units] or its last [batch, units].
    // Named `suffix`, or after the node itself when it is the node's value.
    const value = (d: number, suffix?: string): string => {
      const part = `direction${d}`;
      const finalStep = d === 1 || a.go_backwards ? [0, 1] : [-1, END];
      if (!a.return_sequences) {
        // Masked, the last real step's output is the final state Y_h.
        const s = kept
          ? slice(yh, [d], [d + 1], [0], part)
          : slice(y, [finalStep[0], d], [finalStep[1], d + 1], [0, 1], part);
        return c.node('Reshape', [s, c.int64s(`${part}_shape`, [-1, a.units])], {}, suffix);
      }
      // Keras' go_backwards (one direction) gives the outputs last step first.
      const s = a.go_backwards
        ? slice(y, [-1, d], [-END, d + 1], [0, 1], part, [-1, 1])
        : slice(y, [0, d], [END, d + 1], [0, 1], part);
      const t = c.node('Squeeze', [s, c.int64s(`${part}_axis`, [1])], {}, `${part}_squeeze`);
      if (!kept || a.bidirectional || a.go_backwards) {
        return c.node('Transpose', [t], { perm: [1, 0, 2] }, suffix);
      }
      // Keras' RNN repeats the last real output over the padded steps, where ONNX has zeros:
      // Y_h + kept * (Y - Y_h).
      const seq = c.node('Transpose', [t], { perm: [1, 0, 2] }, `${part}_steps`);
      const last = c.node('Transpose', [yh], { perm: [1, 0, 2] }, `${part}_last`);
      const k = c.node('Unsqueeze', [kept, c.int64s(`${part}_kept_axis`, [2])], {}, `${part}_k`);
      const delta = c.node(
        'Mul',
        [k, c.node('Sub', [seq, last], {}, `${part}_delta`)],
        {},
        `${part}_kd`,
      );
      return c.node('Add', [last, delta], {}, suffix);
    };
    if (a.return_state) {
      // The output, then each direction's h (and c) [batch, units], end to end (Keras' order).
      const out = a.bidirectional
        ? merge(c, a, value(0, 'forward'), value(1, 'backward'), 'merged')
        : value(0, 'output');
      const state = (from: string, d: number, part: string) =>
        c.node(
          'Reshape',
          [slice(from, [d], [d + 1], [0], part), c.int64s(`${part}_shape`, [-1, a.units])],
          {},
          `${part}_state`,
        );
      const states = prefixes.flatMap((_, d) => [
        state(yh, d, `h${d}`),
        ...(kind === 'lstm' ? [state(yc, d, `c${d}`)] : []),
      ]);
      if (!a.return_sequences) {
        return { name: c.node('Concat', [out, ...states], { axis: -1 }), layout: 'channels_last' };
      }
      // Repeated at every step: [batch, 1, states] expanded to [batch, steps, states].
      const all = c.node('Concat', states, { axis: -1 }, 'states');
      const one = c.node('Unsqueeze', [all, c.int64s('states_axis', [1])], {}, 'states_step');
      const outShape = c.node('Shape', [out], {}, 'out_shape');
      const batchSteps = slice(outShape, [0], [2], [0], 'batch_steps');
      const width = c.int64s('states_width', [stateCount(kind, a) * a.units]);
      const target = c.node('Concat', [batchSteps, width], { axis: 0 }, 'states_shape');
      const repeated = c.node('Expand', [one, target], {}, 'states_repeated');
      return { name: c.node('Concat', [out, repeated], { axis: -1 }), layout: 'channels_last' };
    }
    if (!a.bidirectional) return { name: value(0), layout: 'channels_last' };
    const f = value(0, 'forward');
    const b = value(1, 'backward');
    return { name: merge(c, a, f, b), layout: 'channels_last' };
  };
}

/** TensorProto.DataType FLOAT and INT32. */
const ONNX_FLOAT = 1;
const ONNX_INT32 = 6;

/** `[batch, steps]`: 1 where the mask (input `at`) is not 0 (a real step), else 0. */
function keptSteps(c: OnnxContext<RecurrentAttrs>, at: number): string {
  const mask = c.inputAs(at, 'channels_last');
  const zero = c.constant('mask_zero', { shape: [], data: Float32Array.of(0) });
  const padded = c.node('Equal', [mask, zero], {}, 'padded');
  return c.node('Cast', [c.node('Not', [padded], {}, 'real')], { to: ONNX_FLOAT }, 'kept');
}

/**
 * ONNX's `initial_h` (and LSTM's `initial_c`) `[directions, batch, units]` from the node's
 * `n` state inputs, each `[batch, units]` in Keras' order (h, c per direction).
 */
function initialStates(c: OnnxContext<RecurrentAttrs>, kind: CellKind, n: number): string[] {
  const perDirection = kind === 'lstm' ? 2 : 1;
  const axis = c.int64s('state_axis', [0]);
  return Array.from({ length: perDirection }, (_, j) => {
    const name = j === 0 ? 'initial_h' : 'initial_c';
    const parts = Array.from({ length: n / perDirection }, (_, d) =>
      c.node(
        'Unsqueeze',
        [c.inputAs(1 + d * perDirection + j, 'channels_last'), axis],
        {},
        `${name}${d}`,
      ),
    );
    return parts.length === 1 ? parts[0] : c.node('Concat', parts, { axis: 0 }, name);
  });
}

/** ONNX's `sequence_lens [batch]` (int32): the count of real steps of each example. */
function sequenceLens(c: OnnxContext<RecurrentAttrs>, kept: string): string {
  const count = c.node('ReduceSum', [kept, c.int64s('steps_axis', [1])], { keepdims: 0 }, 'count');
  return c.node('Cast', [count], { to: ONNX_INT32 }, 'sequence_lens');
}

/** The two directions merged as Keras' `merge_mode` does. */
function merge(
  c: OnnxContext<RecurrentAttrs>,
  a: RecurrentAttrs,
  f: string,
  b: string,
  suffix?: string,
): string {
  switch (a.merge_mode) {
    case 'concat':
      return c.node('Concat', [f, b], { axis: -1 }, suffix);
    case 'sum':
      return c.node('Add', [f, b], {}, suffix);
    case 'mul':
      return c.node('Mul', [f, b], {}, suffix);
    case 'ave': {
      const sum = c.node('Add', [f, b], {}, 'sum');
      const half = c.constant('half', { shape: [], data: Float32Array.of(0.5) });
      return c.node('Mul', [sum, half], {}, suffix);
    }
  }
  throw new Error(`unknown merge_mode ${String(a.merge_mode)}`);
}
