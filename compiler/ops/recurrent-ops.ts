import type { Shape } from '../ir/shape.js';
import { defineOp, type TfjsContext } from './op.js';
import {
  gruParams,
  lstmParams,
  recurrentMacs,
  recurrentShape,
  recurrentWeightDocs,
  recurrentWeights,
  simpleRnnParams,
  type CellKind,
  type RecurrentAttrs,
} from './recurrent.js';
import { recurrentOnnx } from './recurrent-onnx.js';

/** The tfjs layer of every recurrent op: netc's `NetcRecurrent` (runtime/layers/recurrent.ts). */
function recurrentTfjs(kind: CellKind, c: TfjsContext<RecurrentAttrs>) {
  const a = c.attrs;
  return c.custom('NetcRecurrent', {
    name: c.name,
    cell: kind,
    units: a.units,
    activation: a.activation,
    recurrentActivation: a.recurrent_activation ?? 'sigmoid',
    useBias: a.bias,
    returnSequences: a.return_sequences,
    goBackwards: a.go_backwards,
    resetAfter: a.reset_after ?? false,
    bidirectional: a.bidirectional,
    mergeMode: a.merge_mode,
    initialStates: a.initial_state ?? 0,
    dropout: a.dropout,
    recurrentDropout: a.recurrent_dropout,
    returnState: a.return_state,
  });
}

/** The MACs sentence of an op with `gates` gate blocks. */
const macsDoc = (gates: string) =>
  `MACs per step and direction: \`${gates}units * (features + units)\`, the two matrix products (gate arithmetic not counted); per sequence \`steps\` times that, twice with \`bidirectional\` (unknown for a symbolic \`steps\`).`;

/** The shared rules of a recurrent op of cell `kind`. */
function rules(kind: CellKind) {
  return {
    category: 'recurrent' as const,
    inputs: { min: 1, max: 6 },
    weightDocs: recurrentWeightDocs(kind),
    shape: (inputs: readonly Shape[], a: RecurrentAttrs) => recurrentShape(kind, inputs, a),
    weights: (inputs: readonly Shape[], a: RecurrentAttrs) => recurrentWeights(kind, inputs, a),
    macs: (inputs: readonly Shape[], a: RecurrentAttrs) => recurrentMacs(kind, inputs, a),
    tfjs: (c: TfjsContext<RecurrentAttrs>) => recurrentTfjs(kind, c),
    onnx: recurrentOnnx(kind),
  };
}

export const lstm = defineOp({
  name: 'lstm',
  doc: `Long short-term memory over a sequence \`[steps, features]\`, with an optional \`step_mask\` \`[steps]\` as second input (Keras LSTM, gates i, f, c, o in the kernels' column blocks): the last step's output \`[units]\`, or every step's \`[steps, units]\` with \`return_sequences\`. ${macsDoc('4 * ')}`,
  params: lstmParams,
  ...rules('lstm'),
});

export const gru = defineOp({
  name: 'gru',
  doc: `Gated recurrent unit over a sequence \`[steps, features]\` (Keras GRU, gates z, r, h; \`reset_after\`, the default, is Keras 2+ and PyTorch's \`nn.GRU\`), its outputs and mask as \`lstm\`'s. ${macsDoc('3 * ')}`,
  params: gruParams,
  ...rules('gru'),
});

export const simpleRnn = defineOp({
  name: 'simple_rnn',
  doc: `Fully connected recurrence over a sequence \`[steps, features]\` (Keras SimpleRNN), \`h = activation(x kernel + h recurrent_kernel + bias)\`, its outputs and mask as \`lstm\`'s. ${macsDoc('')}`,
  params: simpleRnnParams,
  ...rules('simple_rnn'),
});

/** The recurrent ops, in documentation order. */
export const recurrentOps = [lstm, gru, simpleRnn];
