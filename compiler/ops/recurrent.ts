/**
 * The recurrent ops (issue 14): `lstm`, `gru` and `simple_rnn`, with Keras semantics and weight
 * layout. One rule set for the three: a cell kind says how many gates share the kernels
 * (`GATES`), and everything else (shape, weights, MACs, the tfjs layer, the ONNX node) follows
 * from it. `bidirectional: true` runs a second copy of the weights backwards (Keras'
 * `Bidirectional` wrapper) and merges both with `merge_mode`.
 */
import { formatShape, type Dim, type Shape } from '../ir/shape.js';
import { invalid, positive } from './attrs.js';
import { GLOROT_UNIFORM, ZEROS, OpError, type WeightDoc, type WeightSpec } from './op.js';
import { boolType, enumType, floatType, intType, type ParamType } from './param-types.js';

export type CellKind = 'lstm' | 'gru' | 'simple_rnn';

/** How many gate blocks of `units` columns the kernels hold: Keras' i,f,c,o, z,r,h, one. */
export const GATES: Readonly<Record<CellKind, number>> = { lstm: 4, gru: 3, simple_rnn: 1 };

/** The activations a recurrent cell takes (those ONNX's LSTM, GRU and RNN nodes also take). */
const cellActivations = ['tanh', 'sigmoid', 'relu', 'hard_sigmoid'] as const;
export type CellActivation = (typeof cellActivations)[number];
export const cellActivationType = enumType(cellActivations);

const mergeModes = ['concat', 'sum', 'mul', 'ave'] as const;
export type MergeMode = (typeof mergeModes)[number];
export const mergeModeType = enumType(mergeModes);

/** The attributes every recurrent op has (`recurrent_activation` and `reset_after` when its cell does). */
export interface RecurrentAttrs {
  readonly units: number;
  readonly activation: CellActivation;
  readonly recurrent_activation?: CellActivation;
  readonly bias: boolean;
  readonly return_sequences: boolean;
  readonly go_backwards: boolean;
  readonly reset_after?: boolean;
  readonly bidirectional: boolean;
  readonly merge_mode: MergeMode;
  /** How many initial states follow the sequence among the inputs (none: they start at 0). */
  readonly initial_state: number | null;
  readonly dropout: number;
  readonly recurrent_dropout: number;
  readonly return_state: boolean;
}

const unitsParam = {
  name: 'units',
  type: intType,
  doc: 'Size of the hidden state (and of the output per direction).',
} as const;
const activationParam = {
  name: 'activation',
  type: cellActivationType,
  default: 'tanh',
  doc: 'Activation of the candidate state and of the output.',
} as const;
const recurrentActivationParam = {
  name: 'recurrent_activation',
  type: cellActivationType,
  default: 'sigmoid',
  doc: 'Activation of the gates.',
} as const;
/**
 * `initial_state: [h0, c0]`: a list of tensors, which the lowering moves into the node's inputs
 * (right after the sequence); the attribute keeps their count. A failed item counts too.
 */
const statesType: ParamType<number | null> = {
  label: '[tensor, ...] or none',
  convert: (v) =>
    v.kind === 'none'
      ? null
      : v.kind === 'list' &&
          v.items.length > 0 &&
          v.items.every((i) => i.kind === 'tensor' || i.kind === 'poison')
        ? v.items.length
        : undefined,
};

const tailParams = [
  {
    name: 'bias',
    type: boolType,
    default: true,
    doc: "Add learned biases (Keras' `use_bias`).",
  },
  {
    name: 'return_sequences',
    type: boolType,
    default: false,
    doc: 'Return the output of every step, `[steps, units]`, instead of the last one, `[units]`.',
  },
  {
    name: 'go_backwards',
    type: boolType,
    default: false,
    doc: 'Read the sequence from its last step to its first (the outputs come in that order).',
  },
  {
    name: 'bidirectional',
    type: boolType,
    default: false,
    doc: "Also run a second set of weights from the last step to the first (Keras' `Bidirectional`); its step outputs are put back in input order and merged with the forward ones. The weights are then `forward_kernel`, `forward_recurrent_kernel`, `forward_bias`, `backward_kernel`, ...",
  },
  {
    name: 'merge_mode',
    type: mergeModeType,
    default: 'concat',
    doc: 'How `bidirectional` merges the two directions: `concat` (`2 * units` features), `sum`, `mul`, `ave`.',
  },
  {
    name: 'initial_state',
    type: statesType,
    default: null,
    doc: "The states to start from, each `[units]`: `[h]`, LSTM's `[h, c]`, and with `bidirectional` the forward direction's then the backward one's (Keras' order); none: zeros.",
  },
  {
    name: 'return_state',
    type: boolType,
    default: false,
    doc: "Also return the final states (Keras' `return_state`): the value is a list `[output, h, c]` (LSTM; `[output, h]` otherwise; then the backward direction's with `bidirectional`), to destructure, `out, h, c = lstm(x, 64, return_state: true)`. The node's own value is the output and the states end to end on the last axis (the states repeated at every step with `return_sequences`), which slice layers take apart.",
  },
  {
    name: 'dropout',
    type: floatType,
    default: 0,
    doc: 'During training, the fraction of input features dropped, in [0, 1): one mask per sequence (and direction), the same at every step, as Keras 3; none at inference.',
  },
  {
    name: 'recurrent_dropout',
    type: floatType,
    default: 0,
    doc: 'During training, the fraction of the previous `h` dropped where the cell reads it, in [0, 1): one mask per sequence (and direction), as Keras 3.',
  },
] as const;
const resetAfterParam = {
  name: 'reset_after',
  type: boolType,
  default: true,
  doc: 'Apply the reset gate after the recurrent product (Keras 2+ and PyTorch: two bias rows) instead of before it (one bias row).',
} as const;

export const lstmParams = [
  unitsParam,
  activationParam,
  recurrentActivationParam,
  ...tailParams,
] as const;
export const gruParams = [
  unitsParam,
  activationParam,
  recurrentActivationParam,
  ...tailParams,
  resetAfterParam,
] as const;
export const simpleRnnParams = [unitsParam, activationParam, ...tailParams] as const;

/** The directions a node runs, and the weight-name prefix of each. */
export function directions(a: RecurrentAttrs): readonly string[] {
  return a.bidirectional ? ['forward_', 'backward_'] : [''];
}

/** `[steps, features]` of a recurrent op's input; features must be known to size the kernel. */
export function sequenceDims(x: Shape, op: string): { steps: Dim; features: number } {
  if (x.length !== 2) {
    throw new OpError(
      `${op} expects a sequence [steps, features], found ${formatShape(x)} (rank ${x.length})`,
      'E3004',
    );
  }
  const features = x[1];
  if (typeof features !== 'number') {
    throw new OpError(
      `${op} needs a known feature count to size its kernel, but the input is ${formatShape(x)}`,
      'E3004',
    );
  }
  return { steps: x[0], features };
}

/** The argument checks and the output shape of a recurrent op. */
export function recurrentShape(kind: CellKind, inputs: readonly Shape[], a: RecurrentAttrs): Shape {
  const x = inputs[0];
  positive(a, 'units');
  for (const k of ['dropout', 'recurrent_dropout'] as const) {
    if (!(a[k] >= 0 && a[k] < 1)) throw invalid(k, 'a value in [0, 1)', a[k]);
  }
  const { steps } = sequenceDims(x, kind);
  const states = a.initial_state ?? 0;
  checkStates(kind, a, inputs.slice(1, 1 + states));
  const [mask, extra] = inputs.slice(1 + states);
  if (extra) {
    throw new OpError(
      `${kind} takes a sequence, an optional mask [steps] and its initial_state; found ${inputs.length} input tensors`,
      'E1005',
    );
  }
  if (mask && (mask.length !== 1 || (mask[0] !== steps && mask[0] !== null && steps !== null))) {
    throw new OpError(
      `${kind}: the mask must be [steps] of its sequence ${formatShape(x)}, found ${formatShape(mask)}`,
      'E3001',
    );
  }
  if (a.bidirectional && a.go_backwards) {
    throw new OpError(
      `invalid value for 'go_backwards': ${kind} with bidirectional: true already reads the sequence both ways; leave go_backwards false`,
      'E2002',
      'go_backwards',
    );
  }
  const width = a.bidirectional && a.merge_mode === 'concat' ? 2 * a.units : a.units;
  if (a.return_state) {
    // The output, then the final states (repeated at every step with return_sequences).
    const packed = width + stateCount(kind, a) * a.units;
    return a.return_sequences ? [steps, packed] : [packed];
  }
  return a.return_sequences ? [steps, width] : [width];
}

/** The parts of a `return_state` node's value, `[start, stop)` each: the output, then the states. */
export function stateParts(kind: CellKind, a: RecurrentAttrs): [number, number][] {
  const width = a.bidirectional && a.merge_mode === 'concat' ? 2 * a.units : a.units;
  const parts: [number, number][] = [[0, width]];
  for (let i = 0; i < stateCount(kind, a); i++)
    parts.push([width + i * a.units, width + (i + 1) * a.units]);
  return parts;
}

/** How many states a node starts from: h (and LSTM's c) per direction. */
export function stateCount(kind: CellKind, a: RecurrentAttrs): number {
  return (kind === 'lstm' ? 2 : 1) * directions(a).length;
}

/** `initial_state`: as many as the node has states, each `[units]`. */
function checkStates(kind: CellKind, a: RecurrentAttrs, states: readonly Shape[]): void {
  if (a.initial_state === null) return;
  const want = stateCount(kind, a);
  const names = kind === 'lstm' ? 'h, c' : 'h';
  const per = a.bidirectional ? ' per direction' : '';
  if (states.length !== want) {
    throw new OpError(
      `invalid value for 'initial_state': ${kind} starts from ${want} state${want === 1 ? '' : 's'} (${names}${per}), found ${states.length}`,
      'E2002',
      'initial_state',
    );
  }
  const bad = states.find((s) => s.length !== 1 || (s[0] !== a.units && s[0] !== null));
  if (bad) {
    throw new OpError(
      `invalid value for 'initial_state': each state is [units] = [${a.units}], found ${formatShape(bad)}`,
      'E2002',
      'initial_state',
    );
  }
}

/** Keras' initial LSTM bias: zeros, and ones for the forget gate (`unit_forget_bias`). */
function lstmBias(units: number): number[] {
  return Array.from({ length: 4 * units }, (_, i) => (i >= units && i < 2 * units ? 1 : 0));
}

/** The bias shape of a cell: one row of gates, or GRU's two with `reset_after`. */
export function biasShape(kind: CellKind, a: RecurrentAttrs): number[] {
  const g = GATES[kind] * a.units;
  return kind === 'gru' && a.reset_after === true ? [2, g] : [g];
}

/**
 * `kernel [features, gates * units]`, `recurrent_kernel [units, gates * units]`, `bias`, per
 * direction. Keras draws the recurrent kernel orthogonal; netc draws it Glorot uniform.
 */
export function recurrentWeights(
  kind: CellKind,
  [x]: readonly Shape[],
  a: RecurrentAttrs,
): WeightSpec[] {
  const { features } = sequenceDims(x, kind);
  const g = GATES[kind] * a.units;
  const biasInit = kind === 'lstm' ? { kind: 'values' as const, values: lstmBias(a.units) } : ZEROS;
  return directions(a).flatMap((p): WeightSpec[] => [
    { name: `${p}kernel`, shape: [features, g], trainable: true, init: GLOROT_UNIFORM },
    { name: `${p}recurrent_kernel`, shape: [a.units, g], trainable: true, init: GLOROT_UNIFORM },
    ...(a.bias
      ? [{ name: `${p}bias`, shape: biasShape(kind, a), trainable: true, init: biasInit }]
      : []),
  ]);
}

/**
 * Per step and direction, the two matrix products: `gates * units * (features + units)`; per
 * sequence, `steps` times that (null when `steps` is not known). Gate arithmetic is not counted.
 */
export function recurrentMacs(
  kind: CellKind,
  [x]: readonly Shape[],
  a: RecurrentAttrs,
): bigint | null {
  const { steps, features } = sequenceDims(x, kind);
  if (typeof steps !== 'number') return null;
  const perStep = BigInt(GATES[kind] * a.units) * BigInt(features + a.units);
  return BigInt(steps) * BigInt(directions(a).length) * perStep;
}

/** The weights of a recurrent op, for the docs. */
export function recurrentWeightDocs(kind: CellKind): WeightDoc[] {
  const g = kind === 'simple_rnn' ? 'units' : `${GATES[kind]} * units`;
  const bias = kind === 'gru' ? `[${g}], or [2, ${g}] with reset_after` : `[${g}]`;
  return [
    { name: 'kernel', shape: `[features, ${g}]`, trainable: true },
    { name: 'recurrent_kernel', shape: `[units, ${g}]`, trainable: true },
    { name: 'bias', shape: bias, trainable: true, when: 'bias' },
  ];
}
