/**
 * The op contract cases of the recurrent ops (issue 14), read by tests/compiler/ops/cases.ts.
 * Keras' counts: an LSTM has `4 * (in * u + u * u + u)` parameters, a GRU with `reset_after`
 * `3 * (in * u + u * u + 2 * u)` (one bias row fewer without), a SimpleRNN `in * u + u * u + u`.
 * MACs: `steps * directions * gates * u * (in + u)`.
 */
import type { OpCase } from './cases.js';

/** LSTM on `[5, 3]` with 2 units: kernel [3, 8], recurrent_kernel [2, 8], bias [8]. */
const lstmWeights = (p = '') =>
  [
    [`${p}kernel`, [3, 8], true],
    [`${p}recurrent_kernel`, [2, 8], true],
    [`${p}bias`, [8], true],
  ] as const;

export const recurrentCases: OpCase[] = [
  {
    op: 'lstm',
    note: 'the last output',
    inputs: [[5, 3]],
    args: { units: 2 },
    shape: [2],
    weights: lstmWeights(),
    params: 48, // 4 * (3*2 + 2*2 + 2)
    trainable: 48,
    macs: 200, // 5 steps * 4 gates * 2 * (3 + 2)
    run: true,
  },
  {
    op: 'lstm',
    note: 'every step, read backwards',
    inputs: [[5, 3]],
    args: { units: 2, return_sequences: true, go_backwards: true },
    shape: [5, 2],
    weights: lstmWeights(),
    params: 48,
    trainable: 48,
    macs: 200,
    run: true,
  },
  {
    op: 'lstm',
    note: 'a symbolic sequence length',
    inputs: [['T', 3]],
    args: { units: 2, return_sequences: true },
    shape: ['T', 2],
    weights: lstmWeights(),
    params: 48,
    trainable: 48,
    macs: null,
    run: true,
  },
  {
    op: 'lstm',
    note: 'no bias',
    inputs: [[5, 3]],
    args: { units: 2, bias: false },
    shape: [2],
    weights: lstmWeights().slice(0, 2),
    params: 40, // 4 * (3*2 + 2*2)
    macs: 200,
  },
  {
    op: 'lstm',
    note: 'bidirectional, concat',
    inputs: [[5, 3]],
    args: { units: 2, bidirectional: true, return_sequences: true },
    shape: [5, 4], // 2 directions * 2 units
    weights: [...lstmWeights('forward_'), ...lstmWeights('backward_')],
    params: 96, // 2 * 48
    trainable: 96,
    macs: 400, // 2 directions * 200
    run: true,
  },
  {
    op: 'lstm',
    note: 'bidirectional, averaged',
    inputs: [[5, 3]],
    args: { units: 2, bidirectional: true, merge_mode: 'ave' },
    shape: [2],
    weights: [...lstmWeights('forward_'), ...lstmWeights('backward_')],
    params: 96,
    trainable: 96,
    macs: 400,
    run: true,
  },
  {
    op: 'lstm',
    inputs: [[5, 3]],
    args: { units: 0 },
    error: { code: 'E2002', param: 'units' },
  },
  {
    op: 'lstm',
    note: 'not a sequence',
    inputs: [[4, 5, 3]],
    args: { units: 2 },
    error: { code: 'E3004', contains: ['[steps, features]', '[4, 5, 3]'] },
  },
  {
    op: 'lstm',
    note: 'unknown features',
    inputs: [[5, null]],
    args: { units: 2 },
    error: { code: 'E3004', contains: ['known feature count', '[5, ?]'] },
  },
  {
    op: 'lstm',
    note: 'go_backwards with bidirectional',
    inputs: [[5, 3]],
    args: { units: 2, bidirectional: true, go_backwards: true },
    error: { code: 'E2002', param: 'go_backwards' },
  },
  {
    op: 'gru',
    note: 'reset_after: two bias rows',
    inputs: [[5, 3]],
    args: { units: 2 },
    shape: [2],
    weights: [
      ['kernel', [3, 6], true],
      ['recurrent_kernel', [2, 6], true],
      ['bias', [2, 6], true],
    ],
    params: 42, // 3 * (3*2 + 2*2 + 2*2)
    trainable: 42,
    macs: 150, // 5 steps * 3 gates * 2 * (3 + 2)
    run: true,
  },
  {
    op: 'gru',
    note: 'reset before the product: one bias row',
    inputs: [[5, 3]],
    args: { units: 2, reset_after: false, return_sequences: true },
    shape: [5, 2],
    weights: [
      ['kernel', [3, 6], true],
      ['recurrent_kernel', [2, 6], true],
      ['bias', [6], true],
    ],
    params: 36, // 3 * (3*2 + 2*2 + 2)
    trainable: 36,
    macs: 150,
    run: true,
  },
  {
    op: 'simple_rnn',
    inputs: [[5, 3]],
    args: { units: 2, activation: 'relu' },
    shape: [2],
    weights: [
      ['kernel', [3, 2], true],
      ['recurrent_kernel', [2, 2], true],
      ['bias', [2], true],
    ],
    params: 12, // 3*2 + 2*2 + 2
    trainable: 12,
    macs: 50, // 5 steps * 2 * (3 + 2)
    run: true,
  },
  {
    op: 'lstm',
    note: 'return_state: the output, h and c end to end',
    inputs: [[5, 3]],
    args: { units: 2, return_state: true },
    shape: [6], // 2 + 2 states * 2 units
    weights: lstmWeights(),
    params: 48,
    trainable: 48,
    macs: 200,
    run: true,
  },
  {
    op: 'gru',
    note: 'return_state with return_sequences: the states at every step',
    inputs: [['T', 3]],
    args: { units: 2, return_state: true, return_sequences: true, bidirectional: true },
    shape: ['T', 8], // 4 (concat) + 2 states * 2 units
    weights: [
      ['forward_kernel', [3, 6], true],
      ['forward_recurrent_kernel', [2, 6], true],
      ['forward_bias', [2, 6], true],
      ['backward_kernel', [3, 6], true],
      ['backward_recurrent_kernel', [2, 6], true],
      ['backward_bias', [2, 6], true],
    ],
    params: 84, // 2 * 42
    trainable: 84,
    macs: null,
    run: true,
  },
  {
    op: 'gru',
    note: 'dropout must be below 1',
    inputs: [[5, 3]],
    args: { units: 2, recurrent_dropout: 1 },
    error: { code: 'E2002', param: 'recurrent_dropout', contains: ['[0, 1)'] },
  },
  // Masking of padded steps (issue 14).
  {
    op: 'lstm',
    note: 'a mask as second input',
    inputs: [[5, 3], [5]],
    args: { units: 2, return_sequences: true },
    shape: [5, 2],
    weights: lstmWeights(),
    params: 48,
    macs: 200,
  },
  {
    op: 'gru',
    note: 'a mask of another length',
    inputs: [[5, 3], [4]],
    args: { units: 2 },
    error: { code: 'E3001', contains: ['[steps]', '[5, 3]', '[4]'] },
  },
  {
    op: 'masking',
    inputs: [[5, 3]],
    shape: [5, 3],
    weights: [],
    params: 0,
    trainable: 0,
    macs: 0,
    run: true,
  },
  {
    op: 'masking',
    note: 'not a sequence',
    inputs: [[5]],
    error: { code: 'E3004', contains: ['[steps, features]', '[5]'] },
  },
  // A mask is piecewise constant: its input gradient is zero.
  {
    op: 'step_mask',
    note: 'ids',
    inputs: [[5]],
    shape: [5],
    weights: [],
    params: 0,
    trainable: 0,
    macs: 0,
    run: true,
    zeroGradient: true,
  },
  {
    op: 'step_mask',
    note: 'features',
    inputs: [['T', 3]],
    args: { mask_value: -1 },
    shape: ['T'],
    weights: [],
    params: 0,
    trainable: 0,
    macs: 0,
    run: true,
    zeroGradient: true,
  },
];
