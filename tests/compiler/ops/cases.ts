/**
 * The op contract table: every op of the registry, each case declared once (the Keras
 * `run_layer_test` idea). A case is an op applied to input shapes with arguments, and what the
 * registry must say about it: output shape, weights, parameter counts, MACs, warnings, or the
 * diagnostic of a bad argument. Expected figures are computed by hand, the arithmetic in a
 * comment next to them.
 *
 * Suites that read it:
 * - tests/compiler/ops/contract.test.ts: the registry rules (no tensors);
 * - tests/runtime/op-contract.test.ts: the `run` cases build, predict and train on tfjs;
 * - tests/codegen/onnx/op-contract.test.ts: the `run` cases export to ONNX (and run on ONNX Runtime);
 * - tests/codegen/op-contract.test.ts: the `run` cases as generated modules.
 *
 * Plain data: no tensor imports.
 */
import type { Shape } from '../../../compiler/ir/shape.js';
import type { Arg } from './helpers.js';
import { recurrentCases } from './recurrent-cases.js';

/** A weight as `[name, shape, trainable]`, in creation order. */
export type WeightRow = readonly [name: string, shape: readonly number[], trainable: boolean];

/** The diagnostic a case must give. */
export interface ExpectedError {
  readonly code: string;
  /** the argument the error points at */
  readonly param?: string;
  /** the whole message */
  readonly message?: string;
  /** fragments the message contains */
  readonly contains?: readonly string[];
  /** a fragment of the notes, joined by newlines */
  readonly notes?: string;
}

/** One op applied to inputs, and what the registry must say about it. */
export interface OpCase {
  /** the registry name */
  readonly op: string;
  readonly inputs: readonly Shape[];
  readonly args?: Readonly<Record<string, Arg>>;
  /** what the case shows, for the test name */
  readonly note?: string;
  /** the shape rule's result (checked even when `error` is set: the shape may be known) */
  readonly shape?: Shape;
  readonly weights?: readonly WeightRow[];
  readonly params?: number;
  readonly trainable?: number;
  readonly macs?: number | null;
  /** the number of warnings */
  readonly warnings?: number;
  /** applying the op (shape, weights, MACs) fails with this diagnostic */
  readonly error?: ExpectedError;
  /**
   * Small enough for tensors: the runtime, ONNX and codegen suites build it, and it must then
   * declare shape, params, trainable and MACs (and weights when it has any).
   */
  readonly run?: boolean;
  /**
   * A known, existing bug: one training step of this `run` case fails on tfjs (cpu backend)
   * with an error containing this text. The runtime suite expects exactly that failure, so that
   * a fix (or another failure) shows.
   */
  readonly trainFails?: string;
  /**
   * The output is piecewise constant in the inputs (a mask): the training step of a weightless
   * `run` case then expects a finite, all-zero input gradient instead of a non-zero one.
   */
  readonly zeroGradient?: boolean;
}

/** tfjs 4.22 has no gradient for dilation rates > 1 (conv1d, conv2d, depthwise_conv2d). */
const DILATED_GRADIENT = 'dilation rates greater than 1 are not yet supported';

const none: readonly WeightRow[] = [];

/** The activation ops, in registry order. */
export const activationNames = [
  'relu',
  'relu6',
  'leaky_relu',
  'elu',
  'gelu',
  'swish',
  'sigmoid',
  'tanh',
  'softmax',
  'hard_sigmoid',
  'hard_swish',
] as const;

/** The expectations of a weightless `run` case with this output shape. */
const weightless = (shape: Shape) =>
  ({ shape, weights: none, params: 0, trainable: 0, macs: 0, run: true }) as const;

const conv2dCases: OpCase[] = [
  {
    op: 'conv2d',
    note: '3x3 16->32 with bias: 4,640 params',
    inputs: [[32, 32, 16]],
    args: { filters: 32, kernel_size: 3 },
    shape: [32, 32, 32],
    weights: [
      ['kernel', [3, 3, 16, 32], true],
      ['bias', [32], true],
    ],
    params: 4_640, // Keras: 3*3*16*32 + 32 = 4,608 + 32
    trainable: 4_640,
    macs: 4_718_592, // 32*32 positions * 32 filters * 3*3*16 taps = 1,024 * 32 * 144
  },
  {
    op: 'conv2d',
    note: 'without bias only has a kernel',
    inputs: [[8, 8, 3]],
    args: { filters: 4, kernel_size: 1, bias: false },
    weights: [['kernel', [1, 1, 3, 4], true]],
    params: 12, // 1*1*3*4
  },
  // TF 'same': ceil(n / stride)
  ...(
    [
      [7, 4],
      [8, 4],
      [224, 112],
      [1, 1],
    ] as const
  ).map(([n, out]): OpCase => ({
    op: 'conv2d',
    note: `"same" stride 2, kernel 3: ${n} -> ${out}`,
    inputs: [[n, n, 3]],
    args: { filters: 8, kernel_size: 3, stride: 2 },
    shape: [out, out, 8],
  })),
  // 'valid': floor((n - k) / s) + 1
  ...(
    [
      [299, 3, 2, 149], // (296 / 2) + 1
      [32, 3, 1, 30],
      [224, 7, 2, 109], // floor(217 / 2) + 1
    ] as const
  ).map(([n, k, s, out]): OpCase => ({
    op: 'conv2d',
    note: `"valid": ${n} with kernel ${k} stride ${s} -> ${out}`,
    inputs: [[n, n, 3]],
    args: { filters: 8, kernel_size: k, stride: s, padding: 'valid' },
    shape: [out, out, 8],
  })),
  {
    op: 'conv2d',
    note: 'explicit padding adds zeros before the window',
    inputs: [[224, 224, 3]],
    args: { filters: 64, kernel_size: 7, stride: 2, padding: 3 },
    shape: [112, 112, 64], // 224 + 3 + 3 = 230; floor((230 - 7) / 2) + 1 = 112
  },
  {
    op: 'conv2d',
    note: 'dilation widens the window under valid',
    inputs: [[32, 32, 8]],
    args: { filters: 8, kernel_size: 3, dilation: 2, padding: 'valid' },
    shape: [28, 28, 8], // effective kernel (3-1)*2+1 = 5: 32 - 5 + 1 = 28
  },
  {
    op: 'conv2d',
    note: 'grouped: 256 -> 256, groups 32, 3x3',
    inputs: [[56, 56, 256]],
    args: { filters: 256, kernel_size: 3, groups: 32, bias: false },
    weights: [['kernel', [3, 3, 8, 256], true]],
    params: 18_432, // Keras: 3*3*(256/32)*256 = 9*8*256
    macs: 57_802_752, // 56*56 positions * 256 filters * 9 * 8 taps = 3,136 * 18,432
  },
  {
    op: 'conv2d',
    note: 'groups that do not divide the input channels list the divisors',
    inputs: [[28, 28, 48]],
    args: { filters: 64, kernel_size: 3, groups: 32 },
    error: {
      code: 'E3002',
      param: 'groups',
      contains: ['48'],
      notes: '1, 2, 3, 4, 6, 8, 12, 16, 24, 48',
    },
  },
  {
    op: 'conv2d',
    note: 'kernel larger than the input under valid is E3003',
    inputs: [[3, 3, 8]],
    args: { filters: 8, kernel_size: 5, padding: 'valid' },
    error: { code: 'E3003', param: 'kernel_size', contains: ['5', '3'] },
  },
  {
    op: 'conv2d',
    inputs: [[8, 8, 3]],
    args: { filters: 0, kernel_size: 3 },
    error: { code: 'E2002', param: 'filters' },
  },
  {
    op: 'conv2d',
    inputs: [[8, 8, 3]],
    args: { filters: 4, kernel_size: [3, 0] },
    error: {
      code: 'E2002',
      param: 'kernel_size',
      message: "invalid value for 'kernel_size': expected a strictly positive value, found [3, 0]",
    },
  },
  {
    op: 'conv2d',
    inputs: [[8, 8, 3]],
    args: { filters: 4, kernel_size: 3, stride: 2, dilation: 2 },
    error: { code: 'E2002', param: 'dilation' },
  },
  {
    op: 'conv2d',
    note: 'rank 2 is not an image',
    inputs: [[8, 3]],
    args: { filters: 4, kernel_size: 3 },
    error: { code: 'E3004' },
  },
  {
    op: 'conv2d',
    note: 'unknown and symbolic dims propagate',
    inputs: [['H', null, 3]],
    args: { filters: 8, kernel_size: 3 },
    shape: ['H', null, 8],
  },
  {
    op: 'conv2d',
    note: 'strided symbolic dims become unknown',
    inputs: [['H', 'W', 3]],
    args: { filters: 8, kernel_size: 3, stride: 2 },
    shape: [null, null, 8],
  },
  {
    op: 'conv2d',
    note: 'MACs of an unknown size are unknown',
    inputs: [[null, 8, 3]],
    args: { filters: 8, kernel_size: 3 },
    macs: null,
  },
  {
    op: 'conv2d',
    note: 'warns about stride 2 "same" on an odd size',
    inputs: [[7, 8, 3]],
    args: { filters: 8, kernel_size: 3, stride: 2 },
    warnings: 1,
  },
  {
    op: 'conv2d',
    note: 'no warning for stride 2 "same" on even sizes',
    inputs: [[8, 8, 3]],
    args: { filters: 8, kernel_size: 3, stride: 2 },
    warnings: 0,
  },
  // Small cases for tensors.
  {
    op: 'conv2d',
    inputs: [[7, 7, 4]],
    args: { filters: 6, kernel_size: 3, stride: 2 },
    shape: [4, 4, 6], // ceil(7 / 2) = 4
    weights: [
      ['kernel', [3, 3, 4, 6], true],
      ['bias', [6], true],
    ],
    params: 222, // 3*3*4*6 + 6 = 216 + 6
    trainable: 222,
    macs: 3_456, // 4*4 positions * 6 filters * 3*3*4 taps = 16 * 6 * 36
    warnings: 2, // stride 2 "same" on the odd 7, one per axis
    run: true,
  },
  {
    op: 'conv2d',
    inputs: [[7, 6, 4]],
    args: {
      filters: 6,
      kernel_size: [3, 2],
      groups: 2,
      padding: [
        [1, 0],
        [2, 1],
      ],
    },
    shape: [6, 8, 6], // h: 7 + 1 - 3 + 1 = 6; w: 6 + 3 - 2 + 1 = 8
    weights: [
      ['kernel', [3, 2, 2, 6], true],
      ['bias', [6], true],
    ],
    params: 78, // 3*2*(4/2)*6 + 6 = 72 + 6
    trainable: 78,
    macs: 3_456, // 6*8 positions * 6 filters * 3*2*2 taps = 48 * 72
    run: true,
  },
  {
    op: 'conv2d',
    inputs: [[8, 8, 4]],
    args: { filters: 8, kernel_size: 3, groups: 4, stride: 2, bias: false },
    shape: [4, 4, 8], // ceil(8 / 2) = 4
    weights: [['kernel', [3, 3, 1, 8], true]],
    params: 72, // 3*3*(4/4)*8
    trainable: 72,
    macs: 1_152, // 4*4 positions * 8 filters * 3*3*1 taps = 16 * 72
    warnings: 0,
    run: true,
  },
  {
    op: 'conv2d',
    inputs: [[9, 9, 2]],
    args: { filters: 3, kernel_size: 3, dilation: 2, padding: 'valid' },
    trainFails: DILATED_GRADIENT,
    shape: [5, 5, 3], // effective kernel 5: 9 - 5 + 1 = 5
    weights: [
      ['kernel', [3, 3, 2, 3], true],
      ['bias', [3], true],
    ],
    params: 57, // 3*3*2*3 + 3 = 54 + 3
    trainable: 57,
    macs: 1_350, // 5*5 positions * 3 filters * 3*3*2 taps = 25 * 54
    run: true,
  },
  {
    op: 'conv2d',
    inputs: [[5, 5, 3]],
    args: { filters: 3, kernel_size: 1, activation: 'hard_sigmoid' },
    shape: [5, 5, 3],
    weights: [
      ['kernel', [1, 1, 3, 3], true],
      ['bias', [3], true],
    ],
    params: 12, // 1*1*3*3 + 3
    trainable: 12,
    macs: 225, // 5*5 positions * 3 filters * 3 taps
    run: true,
  },
  {
    op: 'conv2d',
    inputs: [[null, null, 3]],
    args: { filters: 4, kernel_size: 3, activation: 'gelu' },
    shape: [null, null, 4],
    weights: [
      ['kernel', [3, 3, 3, 4], true],
      ['bias', [4], true],
    ],
    params: 112, // 3*3*3*4 + 4 = 108 + 4
    trainable: 112,
    macs: null, // unknown size
    run: true,
  },
];

const convOtherCases: OpCase[] = [
  {
    op: 'conv1d',
    note: 'on [1000, 12], kernel 16, 32 filters',
    inputs: [[1000, 12]],
    args: { filters: 32, kernel_size: 16 },
    shape: [1000, 32],
    weights: [
      ['kernel', [16, 12, 32], true],
      ['bias', [32], true],
    ],
    params: 6_176, // 16*12*32 + 32 = 6,144 + 32
    macs: 6_144_000, // 1,000 positions * 6,144
  },
  {
    op: 'conv1d',
    note: 'with [before, after] padding',
    inputs: [[1000, 12]],
    args: { filters: 4, kernel_size: 16, padding: [7, 8] },
    shape: [1000, 4], // 1000 + 7 + 8 = 1015; (1015 - 16) / 1 + 1 = 1000
  },
  {
    op: 'conv1d',
    inputs: [[9, 4]],
    args: { filters: 6, kernel_size: 3, stride: 2 },
    shape: [5, 6], // ceil(9 / 2)
    weights: [
      ['kernel', [3, 4, 6], true],
      ['bias', [6], true],
    ],
    params: 78, // 3*4*6 + 6 = 72 + 6
    trainable: 78,
    macs: 360, // 5 positions * 6 filters * 3*4 taps
    run: true,
  },
  {
    op: 'conv1d',
    inputs: [[9, 4]],
    args: { filters: 6, kernel_size: 3, groups: 2, padding: [1, 2] },
    shape: [10, 6], // 9 + 1 + 2 - 3 + 1 = 10
    weights: [
      ['kernel', [3, 2, 6], true],
      ['bias', [6], true],
    ],
    params: 42, // 3*(4/2)*6 + 6 = 36 + 6
    trainable: 42,
    macs: 360, // 10 positions * 6 filters * 3*2 taps
    run: true,
  },
  {
    op: 'conv1d',
    inputs: [[9, 4]],
    args: { filters: 2, kernel_size: 3, dilation: 2, padding: 'valid' },
    trainFails: DILATED_GRADIENT,
    shape: [5, 2], // effective kernel 5: 9 - 5 + 1
    weights: [
      ['kernel', [3, 4, 2], true],
      ['bias', [2], true],
    ],
    params: 26, // 3*4*2 + 2
    trainable: 26,
    macs: 120, // 5 positions * 2 filters * 3*4 taps
    run: true,
  },
  {
    op: 'conv1d',
    inputs: [['T', 4]],
    args: { filters: 4, kernel_size: 5, activation: 'relu6' },
    shape: ['T', 4], // stride 1 "same" keeps the symbol
    weights: [
      ['kernel', [5, 4, 4], true],
      ['bias', [4], true],
    ],
    params: 84, // 5*4*4 + 4
    trainable: 84,
    macs: null, // unknown length
    run: true,
  },
  {
    op: 'depthwise_conv2d',
    note: '3x3 on 32 channels: 320 params',
    inputs: [[112, 112, 32]],
    args: { kernel_size: 3 },
    shape: [112, 112, 32],
    weights: [
      ['depthwise_kernel', [3, 3, 32, 1], true],
      ['bias', [32], true],
    ],
    params: 320, // 3*3*32*1 + 32
    macs: 3_612_672, // 112*112*32 outputs * 9 taps
  },
  {
    op: 'depthwise_conv2d',
    inputs: [[7, 7, 3]],
    args: { kernel_size: 3, stride: 2, depth_multiplier: 2 },
    shape: [4, 4, 6], // ceil(7 / 2); 3 channels * 2
    weights: [
      ['depthwise_kernel', [3, 3, 3, 2], true],
      ['bias', [6], true],
    ],
    params: 60, // 3*3*3*2 + 6 = 54 + 6
    trainable: 60,
    macs: 864, // 4*4*6 outputs * 9 taps
    run: true,
  },
  {
    op: 'depthwise_conv2d',
    inputs: [[7, 7, 3]],
    args: { kernel_size: 3, dilation: 2 },
    trainFails: DILATED_GRADIENT,
    shape: [7, 7, 3],
    weights: [
      ['depthwise_kernel', [3, 3, 3, 1], true],
      ['bias', [3], true],
    ],
    params: 30, // 3*3*3 + 3
    trainable: 30,
    macs: 1_323, // 7*7*3 outputs * 9 taps = 147 * 9
    run: true,
  },
  {
    op: 'depthwise_conv2d',
    inputs: [[6, 6, 2]],
    args: { kernel_size: 3, padding: 1, bias: false },
    shape: [6, 6, 2], // 6 + 2 - 3 + 1
    weights: [['depthwise_kernel', [3, 3, 2, 1], true]],
    params: 18, // 3*3*2
    trainable: 18,
    macs: 648, // 6*6*2 outputs * 9 taps
    run: true,
  },
  {
    op: 'separable_conv2d',
    note: '3x3, 32 -> 64: 2,400 params',
    inputs: [[16, 16, 32]],
    args: { filters: 64, kernel_size: 3 },
    shape: [16, 16, 64],
    params: 2_400, // Keras: depthwise 3*3*32 = 288, pointwise 32*64 = 2,048, bias 64
    macs: 598_016, // 256 positions * (32*9 + 32*64) = 256 * 2,336
  },
  {
    op: 'separable_conv2d',
    inputs: [[8, 8, 3]],
    args: { filters: 5, kernel_size: 3 },
    shape: [8, 8, 5],
    weights: [
      ['depthwise_kernel', [3, 3, 3, 1], true],
      ['pointwise_kernel', [1, 1, 3, 5], true],
      ['bias', [5], true],
    ],
    params: 47, // 3*3*3 + 3*5 + 5 = 27 + 15 + 5
    trainable: 47,
    macs: 2_688, // 64 positions * (3*9 + 3*5) = 64 * 42
    run: true,
  },
  {
    op: 'separable_conv2d',
    inputs: [[8, 8, 3]],
    args: { filters: 5, kernel_size: 3, padding: 1, depth_multiplier: 2 },
    shape: [8, 8, 5], // 8 + 2 - 3 + 1
    weights: [
      ['depthwise_kernel', [3, 3, 3, 2], true],
      ['pointwise_kernel', [1, 1, 6, 5], true],
      ['bias', [5], true],
    ],
    params: 89, // 3*3*3*2 + 6*5 + 5 = 54 + 30 + 5
    trainable: 89,
    macs: 5_376, // 64 positions * (6*9 + 6*5) = 64 * 84
    run: true,
  },
  {
    op: 'conv2d_transpose',
    note: '"same", stride 2: each side doubles',
    inputs: [[5, 7, 3]],
    args: { filters: 2, kernel_size: 3, stride: 2 },
    shape: [10, 14, 2], // Keras deconv_output_length, "same": n * stride
    weights: [
      ['kernel', [3, 3, 2, 3], true], // [kh, kw, filters, in]
      ['bias', [2], true],
    ],
    params: 56, // 3*3*2*3 + 2
    trainable: 56,
    macs: 1_890, // 5*7 input positions * 3*3 taps * 3 in * 2 filters
    run: true,
  },
  {
    op: 'conv2d_transpose',
    note: '"valid" with output_padding 1',
    inputs: [[5, 7, 3]],
    args: { filters: 2, kernel_size: 3, stride: 2, padding: 'valid', output_padding: 1 },
    shape: [12, 16, 2], // (n - 1) * stride + kernel + output_padding: 4*2+3+1, 6*2+3+1
    weights: [
      ['kernel', [3, 3, 2, 3], true],
      ['bias', [2], true],
    ],
    params: 56,
    trainable: 56,
    macs: 1_890, // the same taps: output_padding only adds zero rows and columns
    run: true,
  },
];

const denseCases: OpCase[] = [
  {
    op: 'dense',
    note: '784 -> 512: 401,920 params',
    inputs: [[784]],
    args: { units: 512 },
    shape: [512],
    weights: [
      ['kernel', [784, 512], true],
      ['bias', [512], true],
    ],
    params: 401_920, // 784*512 + 512 = 401,408 + 512
    macs: 401_408, // 784*512
  },
  {
    op: 'dense',
    note: '512 -> 10 without bias',
    inputs: [[512]],
    args: { units: 10, bias: false },
    params: 5_120, // 512*10
  },
  {
    op: 'dense',
    note: 'applies to the last axis of a sequence',
    inputs: [[10, 64]],
    args: { units: 32 },
    shape: [10, 32],
    params: 2_080, // 64*32 + 32
    macs: 20_480, // 10 positions * 64 * 32
  },
  {
    op: 'dense',
    note: 'keeps symbolic leading dims; MACs are unknown then',
    inputs: [['T', 64]],
    args: { units: 32 },
    shape: ['T', 32],
    macs: null,
  },
  {
    op: 'dense',
    note: 'needs a known last dim for its kernel',
    inputs: [[4, null]],
    args: { units: 8 },
    shape: [4, 8],
    error: { code: 'E3004' },
  },
  {
    op: 'dense',
    inputs: [[8]],
    args: { units: 0 },
    error: {
      code: 'E2002',
      param: 'units',
      message: "invalid value for 'units': expected a strictly positive value, found 0",
    },
  },
  { op: 'dense', note: 'rank 0', inputs: [[]], args: { units: 4 }, error: { code: 'E3004' } },
  {
    op: 'dense',
    inputs: [[6]],
    args: { units: 3 },
    shape: [3],
    weights: [
      ['kernel', [6, 3], true],
      ['bias', [3], true],
    ],
    params: 21, // 6*3 + 3
    trainable: 21,
    macs: 18, // 6*3
    run: true,
  },
  {
    op: 'dense',
    inputs: [[4, 6]],
    args: { units: 3, bias: false, activation: 'softmax' },
    shape: [4, 3],
    weights: [['kernel', [6, 3], true]],
    params: 18, // 6*3
    trainable: 18,
    macs: 72, // 4 positions * 6*3
    run: true,
  },
];

const normalizationCases: OpCase[] = [
  {
    op: 'batch_norm',
    note: '16 channels: 64 params, 32 trainable',
    inputs: [[32, 32, 16]],
    shape: [32, 32, 16],
    weights: [
      ['gamma', [16], true],
      ['beta', [16], true],
      ['moving_mean', [16], false],
      ['moving_variance', [16], false],
    ],
    params: 64, // Keras: 4 per channel (4*16)
    trainable: 32, // gamma and beta (2*16)
    macs: 0,
  },
  {
    op: 'batch_norm',
    note: 'scale=false on 32 channels: beta only trainable',
    inputs: [[8, 32]],
    args: { scale: false },
    weights: [
      ['beta', [32], true],
      ['moving_mean', [32], false],
      ['moving_variance', [32], false],
    ],
    params: 96, // 3*32
    trainable: 32, // beta: 32
  },
  {
    op: 'batch_norm',
    note: 'center=false drops beta',
    inputs: [[8]],
    args: { center: false },
    weights: [
      ['gamma', [8], true],
      ['moving_mean', [8], false],
      ['moving_variance', [8], false],
    ],
  },
  {
    op: 'batch_norm',
    note: 'center and scale false leave only the statistics',
    inputs: [[8]],
    args: { center: false, scale: false },
    params: 16, // 2*8
    trainable: 0,
  },
  {
    op: 'batch_norm',
    note: 'normalizes another axis',
    inputs: [[10, 64]],
    args: { axis: 0 },
    weights: [
      ['gamma', [10], true],
      ['beta', [10], true],
      ['moving_mean', [10], false],
      ['moving_variance', [10], false],
    ],
  },
  {
    op: 'batch_norm',
    note: 'a negative axis counts from the end',
    inputs: [[10, 64]],
    args: { axis: -2 },
    weights: [
      ['gamma', [10], true],
      ['beta', [10], true],
      ['moving_mean', [10], false],
      ['moving_variance', [10], false],
    ],
    params: 40, // 4*10: the 10 features of axis 0
  },
  {
    op: 'batch_norm',
    note: 'propagates unknown dims',
    inputs: [['T', 8]],
    shape: ['T', 8],
  },
  {
    op: 'batch_norm',
    note: 'needs the feature axis for weights',
    inputs: [[8, null]],
    error: { code: 'E3004' },
  },
  {
    op: 'batch_norm',
    inputs: [[4, 4, 8]],
    args: { axis: 3 },
    error: { code: 'E2002', param: 'axis', contains: ['[-3, 2]'] },
  },
  {
    op: 'batch_norm',
    inputs: [[8]],
    args: { epsilon: 0 },
    error: { code: 'E2002', param: 'epsilon' },
  },
  {
    op: 'batch_norm',
    inputs: [[8]],
    args: { momentum: 1.5 },
    error: { code: 'E2002', param: 'momentum' },
  },
  {
    op: 'batch_norm',
    inputs: [[5, 5, 3]],
    shape: [5, 5, 3],
    weights: [
      ['gamma', [3], true],
      ['beta', [3], true],
      ['moving_mean', [3], false],
      ['moving_variance', [3], false],
    ],
    params: 12, // 4*3
    trainable: 6, // 2*3
    macs: 0,
    run: true,
  },
  {
    op: 'batch_norm',
    inputs: [[3, 7]],
    args: { axis: 0, momentum: 0.9 },
    shape: [3, 7],
    weights: [
      ['gamma', [3], true],
      ['beta', [3], true],
      ['moving_mean', [3], false],
      ['moving_variance', [3], false],
    ],
    params: 12, // 4*3
    trainable: 6, // 2*3
    macs: 0,
    run: true,
  },
  {
    op: 'batch_norm',
    inputs: [[6]],
    args: { center: false, scale: false },
    shape: [6],
    weights: [
      ['moving_mean', [6], false],
      ['moving_variance', [6], false],
    ],
    params: 12, // 2*6
    trainable: 0,
    macs: 0,
    run: true,
  },
  {
    op: 'layer_norm',
    note: '64 features: gamma and beta, 128 trainable',
    inputs: [[50, 64]],
    shape: [50, 64],
    weights: [
      ['gamma', [64], true],
      ['beta', [64], true],
    ],
    params: 128, // 2*64
    trainable: 128,
    macs: 0,
  },
  { op: 'layer_norm', note: 'center=false', inputs: [[64]], args: { center: false }, params: 64 },
  {
    op: 'layer_norm',
    note: 'center and scale false: no weights',
    inputs: [[64]],
    args: { center: false, scale: false },
    weights: none,
  },
  {
    op: 'layer_norm',
    note: 'rejects an out-of-range axis',
    inputs: [[64]],
    args: { axis: -2 },
    error: { code: 'E2002', param: 'axis' },
  },
  {
    op: 'layer_norm',
    inputs: [[4, 6]],
    shape: [4, 6],
    weights: [
      ['gamma', [6], true],
      ['beta', [6], true],
    ],
    params: 12, // 2*6
    trainable: 12,
    macs: 0,
    run: true,
  },
  {
    op: 'layer_norm',
    inputs: [[4, 6]],
    args: { axis: 0, center: false },
    // Also on the last axis: tf.layers.layerNormalization({ center: false }) cannot fit.
    trainFails: "Cannot read properties of undefined (reading 'id')",
    shape: [4, 6],
    weights: [['gamma', [4], true]],
    params: 4, // gamma over axis 0
    trainable: 4,
    macs: 0,
    run: true,
  },
];

const activationCases: OpCase[] = [
  ...activationNames.map((op): OpCase => ({
    op,
    note: 'keeps the shape, has no weights and 0 MACs',
    inputs: [['T', null, 8]],
    shape: ['T', null, 8],
    weights: none,
    macs: 0,
  })),
  ...activationNames.map((op): OpCase => ({
    op,
    inputs: [[3, 4]],
    args: op === 'leaky_relu' ? { alpha: 0.1 } : op === 'elu' ? { alpha: 0.5 } : {},
    // netc's NetcElu (runtime/layers/elu.ts, alpha != 1) is tf.where(tf.greater(x, 0), ...):
    // tfjs finds no gradient for Greater, so nothing behind such an elu trains.
    ...(op === 'elu' ? { trainFails: 'gradient function not found for Greater' } : {}),
    ...weightless([3, 4]),
  })),
  {
    op: 'leaky_relu',
    inputs: [[4]],
    args: { alpha: -0.1 },
    error: { code: 'E2002', param: 'alpha' },
  },
  { op: 'softmax', note: 'axis 0', inputs: [[10, 4]], args: { axis: 0 }, shape: [10, 4] },
  {
    op: 'softmax',
    note: 'checks its axis',
    inputs: [[10]],
    args: { axis: 1 },
    error: { code: 'E2002', param: 'axis', contains: ['[-1, 0]'] },
  },
  { op: 'softmax', inputs: [[3, 4]], args: { axis: 0 }, ...weightless([3, 4]) },
  {
    op: 'dropout',
    inputs: [[128]],
    args: { rate: 0.2 },
    shape: [128],
    params: 0,
  },
  { op: 'dropout', note: 'rate 0', inputs: [[128]], args: { rate: 0 }, shape: [128] },
  ...[1, 1.5, -0.1].map((rate): OpCase => ({
    op: 'dropout',
    inputs: [[128]],
    args: { rate },
    error: { code: 'E2002', param: 'rate', contains: ['[0, 1)'] },
  })),
  { op: 'dropout', inputs: [[10]], args: { rate: 0.3 }, ...weightless([10]) },
];

const poolingCases: OpCase[] = [
  {
    op: 'max_pool2d',
    note: 'defaults: pool 2, stride = pool, valid',
    inputs: [[7, 7, 512]],
    shape: [3, 3, 512], // floor((7 - 2) / 2) + 1
    weights: none,
    macs: 0,
  },
  { op: 'avg_pool2d', note: 'defaults', inputs: [[224, 224, 64]], shape: [112, 112, 64] },
  {
    op: 'max_pool2d',
    note: '3x3 stride 2 on 112, "same"',
    inputs: [[112, 112, 64]],
    args: { pool_size: 3, stride: 2, padding: 'same' },
    shape: [56, 56, 64],
  },
  {
    op: 'max_pool2d',
    note: '3x3 stride 2 on 112, "valid"',
    inputs: [[112, 112, 64]],
    args: { pool_size: 3, stride: 2 },
    shape: [55, 55, 64], // floor((112 - 3) / 2) + 1 = 54 + 1
  },
  {
    op: 'avg_pool2d',
    note: '"same" on odd and even sizes',
    inputs: [[7, 8, 4]],
    args: { pool_size: 2, padding: 'same' },
    shape: [4, 4, 4], // ceil(7/2), ceil(8/2)
    warnings: 1,
  },
  {
    op: 'max_pool2d',
    note: 'per-axis pool size and stride',
    inputs: [[10, 10, 1]],
    args: { pool_size: [2, 3], stride: [1, 3] },
    shape: [9, 3, 1], // h: floor((10 - 2) / 1) + 1 = 9; w: floor((10 - 3) / 3) + 1 = 3
  },
  { op: 'max_pool1d', note: '1-D', inputs: [[1000, 32]], shape: [500, 32] },
  {
    op: 'avg_pool1d',
    note: '1-D',
    inputs: [[1000, 32]],
    args: { pool_size: 3, stride: 2 },
    shape: [499, 32], // floor((1000 - 3) / 2) + 1 = 499
  },
  {
    op: 'max_pool2d',
    note: 'window larger than the input under valid is E3003',
    inputs: [[2, 2, 8]],
    args: { pool_size: 3 },
    error: { code: 'E3003', param: 'pool_size', contains: ['3'] },
  },
  {
    op: 'max_pool2d',
    note: 'a window larger than the input is fine under "same"',
    inputs: [[2, 2, 8]],
    args: { pool_size: 3, padding: 'same' },
    shape: [1, 1, 8],
  },
  {
    op: 'max_pool2d',
    inputs: [[8, 8, 1]],
    args: { pool_size: 0 },
    error: { code: 'E2002', param: 'pool_size' },
  },
  {
    op: 'max_pool2d',
    inputs: [[8, 8, 1]],
    args: { stride: [1, 0] },
    error: { code: 'E2002', param: 'stride' },
  },
  { op: 'max_pool1d', note: 'rank 3', inputs: [[8, 8, 1]], error: { code: 'E3004' } },
  {
    op: 'max_pool1d',
    note: 'pooled unknown dims become unknown',
    inputs: [['T', 32]],
    shape: [null, 32],
  },
  {
    op: 'avg_pool1d',
    note: 'stride 1 "same" keeps symbols',
    inputs: [['T', 8]],
    args: { pool_size: 3, stride: 1, padding: 'same' },
    shape: ['T', 8],
  },
  { op: 'max_pool1d', inputs: [[9, 2]], ...weightless([4, 2]) }, // floor((9 - 2) / 2) + 1
  {
    op: 'avg_pool1d',
    inputs: [[9, 2]],
    args: { pool_size: 3, stride: 2, padding: 'same' },
    ...weightless([5, 2]), // ceil(9 / 2)
  },
  {
    op: 'max_pool2d',
    inputs: [[7, 7, 2]],
    args: { pool_size: 3, stride: 2, padding: 'same' },
    ...weightless([4, 4, 2]), // ceil(7 / 2)
  },
  { op: 'avg_pool2d', inputs: [[8, 6, 2]], ...weightless([4, 3, 2]) }, // 8 / 2, 6 / 2
  // Global pooling: [H, W, C] -> [C], [L, C] -> [C].
  ...(['global_avg_pool2d', 'global_max_pool2d'] as const).flatMap((op): OpCase[] => [
    { op, inputs: [[7, 7, 2048]], shape: [2048], params: 0, macs: 0 },
    { op, inputs: [[7, 7, 2048]], args: { keepdims: true }, shape: [1, 1, 2048] },
  ]),
  ...(['global_avg_pool1d', 'global_max_pool1d'] as const).flatMap((op): OpCase[] => [
    { op, note: 'unknown length', inputs: [['T', 64]], shape: [64] },
    { op, inputs: [[null, 64]], args: { keepdims: true }, shape: [1, 64] },
  ]),
  { op: 'global_avg_pool2d', note: 'rank 2', inputs: [[7, 2048]], error: { code: 'E3004' } },
  { op: 'global_max_pool1d', inputs: [[5, 3]], ...weightless([3]) },
  { op: 'global_avg_pool1d', inputs: [[5, 3]], args: { keepdims: true }, ...weightless([1, 3]) },
  {
    op: 'global_max_pool2d',
    inputs: [[4, 4, 3]],
    args: { keepdims: true },
    ...weightless([1, 1, 3]),
  },
  { op: 'global_avg_pool2d', inputs: [[4, 4, 3]], ...weightless([3]) },
];

const paddingCases: OpCase[] = [
  ...(
    [
      [undefined, [226, 226, 3]], // default 1: 224 + 1 + 1
      [3, [230, 230, 3]], // 224 + 3 + 3
      [
        [1, 2],
        [226, 228, 3],
      ], // h 224 + 1 + 1, w 224 + 2 + 2
      [
        [
          [0, 1],
          [2, 3],
        ],
        [225, 229, 3], // h 224 + 0 + 1, w 224 + 2 + 3
      ],
    ] as const
  ).map(([padding, out]): OpCase => ({
    op: 'zero_pad2d',
    note: `padding ${JSON.stringify(padding)} on [224, 224, 3]`,
    inputs: [[224, 224, 3]],
    args: padding === undefined ? {} : { padding: padding as Arg },
    shape: out,
    params: 0,
    macs: 0,
  })),
  {
    op: 'zero_pad2d',
    inputs: [[8, 8, 1]],
    args: { padding: -1 },
    error: { code: 'E2002', param: 'padding' },
  },
  { op: 'zero_pad2d', note: 'rank 2', inputs: [[8, 1]], error: { code: 'E3004' } },
  {
    op: 'zero_pad2d',
    note: 'symbolic dims padded become unknown, unpadded ones stay',
    inputs: [['H', 'W', 3]],
    args: {
      padding: [
        [1, 1],
        [0, 0],
      ],
    },
    shape: [null, 'W', 3],
  },
  {
    op: 'zero_pad2d',
    inputs: [[4, 4, 2]],
    args: {
      padding: [
        [1, 0],
        [2, 3],
      ],
    },
    ...weightless([5, 9, 2]), // 4 + 1 + 0, 4 + 2 + 3
  },
  { op: 'zero_pad1d', note: 'default 1', inputs: [[100, 12]], shape: [102, 12] },
  { op: 'zero_pad1d', inputs: [[100, 12]], args: { padding: [3, 4] }, shape: [107, 12] },
  { op: 'zero_pad1d', inputs: [['T', 12]], args: { padding: 2 }, shape: [null, 12] },
  { op: 'zero_pad1d', inputs: [[5, 2]], args: { padding: [1, 2] }, ...weightless([8, 2]) }, // 5 + 1 + 2
  {
    op: 'zero_pad_channels',
    note: 'appends channels up to the target',
    inputs: [[250, 32]],
    args: { channels: 64 },
    shape: [250, 64],
    params: 0,
    macs: 0,
  },
  { op: 'zero_pad_channels', inputs: [['T', null]], args: { channels: 64 }, shape: ['T', 64] },
  { op: 'zero_pad_channels', inputs: [[250, 64]], args: { channels: 64 }, shape: [250, 64] },
  {
    op: 'zero_pad_channels',
    note: 'cannot remove channels',
    inputs: [[250, 32]],
    args: { channels: 16 },
    error: { code: 'E3004', param: 'channels', contains: ['32', '16'] },
  },
  {
    op: 'zero_pad_channels',
    inputs: [[250, 32]],
    args: { channels: 0 },
    error: { code: 'E2002', param: 'channels' },
  },
  { op: 'zero_pad_channels', inputs: [[4, 4, 3]], args: { channels: 8 }, ...weightless([4, 4, 8]) },
  { op: 'zero_pad_channels', inputs: [[5, 3]], args: { channels: 3 }, ...weightless([5, 3]) },
];

const reshapeCases: OpCase[] = [
  {
    op: 'flatten',
    inputs: [[7, 7, 512]],
    shape: [25_088], // 7*7*512
    params: 0,
    macs: 0,
  },
  { op: 'flatten', inputs: [['T', 8]], shape: [null] },
  { op: 'flatten', inputs: [['T']], shape: ['T'] },
  { op: 'flatten', note: 'rank 0', inputs: [[]], error: { code: 'E3004' } },
  { op: 'flatten', inputs: [[2, 3, 4]], ...weightless([24]) }, // 2*3*4
  { op: 'flatten', inputs: [[6]], ...weightless([6]) },
  { op: 'flatten', inputs: [[null, 4]], ...weightless([null]) },
  { op: 'reshape', inputs: [[784]], args: { shape: [28, 28, 1] }, shape: [28, 28, 1] },
  { op: 'reshape', inputs: [[784]], args: { shape: [-1, 28] }, shape: [28, 28] }, // 784 / 28
  { op: 'reshape', inputs: [['T', 8]], args: { shape: [-1, 4] }, shape: [null, 4] },
  { op: 'reshape', inputs: [['T', 8]], args: { shape: [2, 4] }, shape: [2, 4] },
  {
    op: 'reshape',
    note: 'element-count mismatch',
    inputs: [[49]],
    args: { shape: [7, 7, 2048] },
    error: {
      code: 'E3004',
      param: 'shape',
      message: 'cannot reshape [49] (49 elements) to [7, 7, 2048] (100352 elements)',
    },
  },
  {
    op: 'reshape',
    note: 'no size fills the hole',
    inputs: [[50]],
    args: { shape: [7, -1] },
    error: { code: 'E3004', param: 'shape', contains: ['50 is not a multiple of 7'] },
  },
  ...[
    [-1, -1],
    [0, 16],
    [-2, -8],
  ].map((shape): OpCase => ({
    op: 'reshape',
    inputs: [[16]],
    args: { shape },
    error: { code: 'E2002', param: 'shape' },
  })),
  { op: 'reshape', inputs: [[2, 6]], args: { shape: [3, -1] }, ...weightless([3, 4]) }, // 12 / 3
  {
    op: 'permute',
    note: '0-based axes over the non-batch dims, like every axis in netc',
    inputs: [[10, 64]],
    args: { dims: [1, 0] },
    shape: [64, 10],
  },
  { op: 'permute', inputs: [['T', null, 3]], args: { dims: [2, 0, 1] }, shape: [3, 'T', null] },
  ...[
    [2, 1], // Keras' 1-based indices by mistake
    [1, 1],
    [1],
    [0, 1, 2],
  ].map((dims): OpCase => ({
    op: 'permute',
    inputs: [[10, 64]],
    args: { dims },
    error: { code: 'E2002', param: 'dims', contains: ['permutation of [0, 1]'], notes: '0-based' },
  })),
  { op: 'permute', inputs: [[2, 3, 4]], args: { dims: [2, 0, 1] }, ...weightless([4, 2, 3]) },
  { op: 'repeat_vector', inputs: [[64]], args: { n: 5 }, shape: [5, 64] },
  { op: 'repeat_vector', inputs: [[null]], args: { n: 5 }, shape: [5, null] },
  { op: 'repeat_vector', inputs: [[2, 64]], args: { n: 5 }, error: { code: 'E3004' } },
  {
    op: 'repeat_vector',
    inputs: [[64]],
    args: { n: 0 },
    error: { code: 'E2002', param: 'n' },
  },
  { op: 'repeat_vector', inputs: [[5]], args: { n: 3 }, ...weightless([3, 5]) },
  { op: 'upsampling2d', inputs: [[7, 7, 64]], shape: [14, 14, 64], macs: 0 }, // default size 2
  { op: 'upsampling2d', inputs: [[7, 7, 64]], args: { size: [2, 3] }, shape: [14, 21, 64] },
  { op: 'upsampling2d', inputs: [['H', 7, 3]], args: { size: [1, 2] }, shape: ['H', 14, 3] },
  {
    op: 'upsampling2d',
    inputs: [['H', 7, 3]],
    args: { interpolation: 'bilinear' },
    shape: [null, 14, 3],
  },
  {
    op: 'upsampling2d',
    inputs: [[7, 7, 64]],
    args: { size: 0 },
    error: { code: 'E2002', param: 'size' },
  },
  { op: 'upsampling2d', note: 'rank 2', inputs: [[7, 64]], error: { code: 'E3004' } },
  { op: 'upsampling2d', inputs: [[3, 4, 2]], args: { size: [2, 3] }, ...weightless([6, 12, 2]) },
  {
    op: 'upsampling2d',
    inputs: [[3, 4, 2]],
    args: { interpolation: 'bilinear' },
    // netc's NetcResize (two matrix products): tfjs 4.22's resizeBilinear gradient of a 3x4
    // image had shape 4x3.
    ...weightless([6, 8, 2]), // default size 2
  },
];

const mergingCases: OpCase[] = [
  {
    op: 'add',
    note: 'shapes that do not broadcast',
    inputs: [
      [56, 56, 256],
      [56, 56, 128],
    ],
    error: {
      code: 'E3001',
      message: 'add cannot broadcast [56, 56, 256] with [56, 56, 128]: dimension 2 is 256 and 128',
      // Aligned by hand: 'input 1: [' is 10 characters, '56, 56, ' 8 more.
      notes: [
        'input 1: [56, 56, 256]',
        'input 2: [56, 56, 128]',
        '                  ^^^ dimension 2: 256 and 128',
      ].join('\n'),
    },
  },
  {
    op: 'multiply',
    note: 'a shorter shape aligns on the last dimension',
    inputs: [[4, 3], [5]],
    error: {
      code: 'E3001',
      message: 'multiply cannot broadcast [4, 3] with [5]: dimension 1 is 3 and 5',
      notes: ['input 1: [4, 3]', 'input 2:    [5]', '             ^ dimension 1: 3 and 5'].join(
        '\n',
      ),
    },
  },
  { op: 'subtract', inputs: [[4], [5]], error: { code: 'E3001' } },
  {
    op: 'divide',
    inputs: [
      [2, 3],
      [3, 3],
    ],
    error: { code: 'E3001' },
  },
  {
    op: 'add',
    note: 'names the operands when there are more than two',
    inputs: [[null], [17], [18]],
    error: {
      code: 'E3001',
      message: 'add cannot broadcast [17] (input 2) with [18] (input 3): dimension 0 is 17 and 18',
    },
  },
  {
    op: 'add',
    note: 'unknown dims match',
    inputs: [
      [null, 32],
      [17, 32],
    ],
    shape: [17, 32],
    params: 0,
  },
  {
    op: 'add',
    note: 'identical symbols are kept',
    inputs: [
      ['T', 32],
      ['T', 32],
      [null, 32],
    ],
    shape: ['T', 32],
  },
  {
    op: 'multiply',
    inputs: [
      [null, 4],
      [3, null],
    ],
    shape: [3, 4],
  },
  {
    op: 'add',
    note: 'different symbols do not match',
    inputs: [
      ['T', 32],
      ['U', 32],
    ],
    error: { code: 'E3001' },
  },
  {
    op: 'add',
    inputs: [
      [4, 3],
      [4, 3],
      [4, 3],
    ],
    ...weightless([4, 3]),
  },
  {
    op: 'subtract',
    inputs: [
      [4, 3],
      [4, 3],
    ],
    ...weightless([4, 3]),
  },
  {
    op: 'multiply',
    inputs: [
      [2, 2, 3],
      [2, 2, 3],
    ],
    ...weightless([2, 2, 3]),
  },
  // Broadcasting (NumPy rules past the batch), worked out by hand: align on the last dim, pad
  // the shorter shape with leading 1s, a 1 stretches to the other size.
  {
    op: 'multiply',
    note: 'squeeze-excite gate',
    inputs: [
      [5, 4, 3],
      [1, 1, 3],
    ],
    ...weightless([5, 4, 3]),
  },
  {
    op: 'multiply',
    note: 'per-channel vector',
    inputs: [[5, 4, 3], [3]],
    ...weightless([5, 4, 3]),
  },
  { op: 'add', note: 'column plus row', inputs: [[4], [3, 1]], ...weightless([3, 4]) },
  { op: 'add', note: 'three operands', inputs: [[2, 1, 3], [4, 1], [3]], ...weightless([2, 4, 3]) },
  {
    op: 'subtract',
    note: 'broadcast',
    inputs: [
      [1, 3],
      [2, 1],
    ],
    ...weightless([2, 3]),
  },
  {
    op: 'divide',
    inputs: [
      [2, 3],
      [2, 3],
    ],
    ...weightless([2, 3]),
  },
  { op: 'divide', note: 'broadcast', inputs: [[3], [4, 2, 1]], ...weightless([4, 2, 3]) },
  {
    op: 'multiply',
    note: 'unknown dim against 1',
    inputs: [
      [null, 3],
      [1, 3],
    ],
    shape: [null, 3],
  },
  {
    op: 'add',
    note: 'symbol against 1',
    inputs: [
      ['T', 8],
      [1, 8],
    ],
    shape: ['T', 8],
  },
  { op: 'scale', inputs: [[4, 4]], args: { factor: 0.5 }, shape: [4, 4], weights: none, macs: 0 },
  { op: 'scale', inputs: [[4, 3]], args: { factor: 0.5 }, ...weightless([4, 3]) },
  {
    op: 'concat',
    note: 'sums the axis',
    inputs: [
      [28, 28, 64],
      [28, 28, 32],
      [28, 28, 32],
    ],
    shape: [28, 28, 128], // 64 + 32 + 32
  },
  {
    op: 'concat',
    inputs: [
      ['T', 8],
      [5, 8],
    ],
    args: { axis: 0 },
    shape: [null, 8],
  },
  {
    op: 'concat',
    inputs: [
      [null, 8],
      [5, 4],
    ],
    args: { axis: 1 },
    shape: [5, 12],
  },
  {
    op: 'concat',
    inputs: [
      ['T', 8],
      ['T', 4],
    ],
    shape: ['T', 12],
  },
  {
    op: 'concat',
    note: 'names the first disagreeing dimension',
    inputs: [
      [28, 28, 64],
      [14, 14, 32],
    ],
    error: { code: 'E3001', contains: ['dimension 0', '[28, 28, 64] and [14, 14, 32]'] },
  },
  {
    op: 'concat',
    note: 'ranks differ',
    inputs: [
      [28, 64],
      [28, 28, 64],
    ],
    error: { code: 'E3001' },
  },
  {
    op: 'concat',
    note: 'checks the axis range',
    inputs: [
      [4, 4, 8],
      [4, 4, 8],
    ],
    args: { axis: 3 },
    error: { code: 'E2002', param: 'axis', contains: ['[-3, 2]'] },
  },
  {
    op: 'concat',
    inputs: [
      [4, 3],
      [4, 5],
    ],
    ...weightless([4, 8]), // 3 + 5
  },
  {
    op: 'concat',
    inputs: [
      [2, 3],
      [4, 3],
      [1, 3],
    ],
    args: { axis: 0 },
    ...weightless([7, 3]), // 2 + 4 + 1
  },
];

const embeddingInputCases: OpCase[] = [
  {
    op: 'embedding',
    note: '10,000 x 128: 1,280,000 params, 0 MACs',
    inputs: [['T']],
    args: { input_dim: 10_000, output_dim: 128 },
    shape: ['T', 128],
    weights: [['embeddings', [10_000, 128], true]],
    params: 1_280_000, // 10,000 * 128
    macs: 0,
  },
  {
    op: 'embedding',
    inputs: [[5]],
    args: { input_dim: 0, output_dim: 8 },
    error: { code: 'E2002', param: 'input_dim' },
  },
  {
    op: 'embedding',
    inputs: [[5]],
    args: { input_dim: 10, output_dim: -1 },
    error: { code: 'E2002', param: 'output_dim' },
  },
  ...[[6], [null]].map((ids): OpCase => ({
    op: 'embedding',
    inputs: [ids],
    args: { input_dim: 10, output_dim: 4 },
    shape: [ids[0], 4],
    weights: [['embeddings', [10, 4], true]],
    params: 40, // 10*4
    trainable: 40,
    macs: 0,
    run: true,
  })),
  // Tied embeddings (issue 13): reverse maps [..., output_dim] vectors to [..., input_dim].
  {
    op: 'embedding',
    note: 'reverse: x @ embeddings^T',
    inputs: [[3, 4]],
    args: { input_dim: 7, output_dim: 4, reverse: true },
    shape: [3, 7],
    weights: [['embeddings', [7, 4], true]],
    params: 28, // 7*4
    trainable: 28,
    macs: 84, // 3*4*7
    run: true,
  },
  {
    op: 'embedding',
    inputs: [[3, 5]],
    args: { input_dim: 7, output_dim: 4, reverse: true },
    error: { code: 'E3001', param: 'reverse' },
  },
  { op: 'input', inputs: [], args: { shape: ['T', 64] }, shape: ['T', 64], params: 0 },
  { op: 'input', inputs: [], args: { shape: [null, 224, 3] }, shape: [null, 224, 3] },
  { op: 'input', inputs: [], args: { shape: [{ kind: 'dim', name: 'T' }] }, shape: ['T'] },
  {
    op: 'input',
    note: 'rejects non-positive sizes',
    inputs: [],
    args: { shape: [0, 3] },
    error: { code: 'E2002', param: 'shape' },
  },
];

/** slice (issue 13, language): Python slice counts worked out by hand. */
const sliceCases: OpCase[] = [
  // indices 1, 2 of 5
  { op: 'slice', inputs: [[5, 4]], args: { start: 1, stop: 3 }, ...weightless([2, 4]) },
  // axis -1 of [3, 7]: indices 1, 3, 5 (stop none, step 2)
  { op: 'slice', inputs: [[3, 7]], args: { axis: -1, start: 1, step: 2 }, ...weightless([3, 3]) },
  // -2: the last two of 6 (4, 5); stop past the end is clamped
  { op: 'slice', inputs: [[6, 2, 3]], args: { start: -2, stop: 99 }, ...weightless([2, 2, 3]) },
  // x[0] of [4, 3, 2]: index 0 of axis 0, the axis dropped
  {
    op: 'slice',
    note: 'x[i]',
    inputs: [[4, 3, 2]],
    args: { start: -1, squeeze: true },
    ...weightless([3, 2]),
  },
  {
    op: 'slice',
    note: 'a symbol on another axis',
    inputs: [['T', 8]],
    args: { axis: 1, stop: 4 },
    shape: ['T', 4],
  },
  {
    op: 'slice',
    note: 'index out of range',
    inputs: [[196, 192]],
    args: { start: 196, squeeze: true },
    error: {
      code: 'E2004',
      param: 'start',
      message: 'index 196 is out of range for axis 0 of [196, 192] (valid indices: -196 to 195)',
    },
  },
  {
    op: 'slice',
    note: 'empty',
    inputs: [[5]],
    args: { start: 3, stop: 3 },
    error: { code: 'E3004', param: 'start', message: 'the slice 3:3:1 of axis 0 of [5] is empty' },
  },
  { op: 'slice', inputs: [[5]], args: { step: 0 }, error: { code: 'E2002', param: 'step' } },
  { op: 'slice', inputs: [[5]], args: { axis: 1 }, error: { code: 'E2002', param: 'axis' } },
  { op: 'slice', inputs: [['T', 3]], args: { stop: 2 }, error: { code: 'E3004', param: 'axis' } },
  {
    op: 'slice',
    inputs: [[5]],
    args: { squeeze: true },
    error: { code: 'E3004', param: 'squeeze' },
  },
];

/** Issue 13's ops: gelu's tanh form, masked softmax, matrix products, axis reshapes, cropping. */
const beyondConvnetCases: OpCase[] = [
  { op: 'gelu', inputs: [[3, 4]], args: { approximate: 'tanh' }, ...weightless([3, 4]) },
  {
    op: 'conv1d_transpose',
    note: '"same", stride 2: the length doubles',
    inputs: [[5, 3]],
    args: { filters: 2, kernel_size: 3, stride: 2 },
    shape: [10, 2], // n * stride
    weights: [
      ['kernel', [3, 2, 3], true], // [k, filters, in]
      ['bias', [2], true],
    ],
    params: 20, // 3*2*3 + 2
    trainable: 20,
    macs: 90, // 5 positions * 3 taps * 3 in * 2 filters
    run: true,
  },
  {
    op: 'conv1d_transpose',
    note: '"valid" with output_padding 1',
    inputs: [[5, 3]],
    args: { filters: 2, kernel_size: 3, stride: 2, padding: 'valid', output_padding: 1 },
    shape: [12, 2], // (5 - 1) * 2 + 3 + 1
    weights: [
      ['kernel', [3, 2, 3], true],
      ['bias', [2], true],
    ],
    params: 20,
    trainable: 20,
    macs: 90,
    run: true,
  },
  {
    op: 'conv1d_transpose',
    note: '"valid": n * s + max(k - s, 0)',
    inputs: [[5, 3]],
    args: { filters: 2, kernel_size: 3, stride: 2, padding: 'valid' },
    shape: [11, 2],
  },
  {
    op: 'conv1d_transpose',
    inputs: [[5, 3]],
    args: { filters: 2, kernel_size: 3, dilation: 2 },
    error: { code: 'E2002', param: 'dilation' },
  },
  {
    op: 'softmax',
    note: 'additive mask [3, 4] broadcast over scores [2, 3, 4]',
    inputs: [
      [2, 3, 4],
      [3, 4],
    ],
    ...weightless([2, 3, 4]),
  },
  {
    op: 'softmax',
    note: 'masked, on a non-last axis',
    inputs: [
      [3, 4],
      [3, 1],
    ],
    args: { axis: 0 },
    ...weightless([3, 4]),
  },
  {
    op: 'softmax',
    note: 'causal',
    inputs: [[2, 4, 4]],
    args: { causal: true },
    ...weightless([2, 4, 4]),
  },
  {
    op: 'softmax',
    note: 'causal needs the last axis',
    inputs: [[4, 4]],
    args: { causal: true, axis: 0 },
    error: { code: 'E2002', param: 'causal' },
  },
  {
    op: 'softmax',
    note: 'the mask must broadcast',
    inputs: [[3, 4], [5]],
    error: { code: 'E3001', contains: ['[5]', '[3, 4]'] },
  },
  {
    op: 'matmul',
    note: 'batched',
    inputs: [
      [2, 3, 4],
      [2, 4, 5],
    ],
    ...weightless([2, 3, 5]),
    macs: 120, // 2 * 3 * 4 * 5
  },
  {
    op: 'matmul',
    note: 'q @ k^T',
    inputs: [
      [3, 4],
      [5, 4],
    ],
    args: { transpose_b: true },
    ...weightless([3, 5]),
    macs: 60, // 3 * 4 * 5
  },
  {
    op: 'matmul',
    note: 'a^T @ b',
    inputs: [
      [4, 3],
      [4, 5],
    ],
    args: { transpose_a: true },
    ...weightless([3, 5]),
    macs: 60,
  },
  {
    op: 'matmul',
    note: 'symbolic sequence',
    inputs: [
      ['T', 8],
      ['T', 8],
    ],
    args: { transpose_b: true },
    shape: ['T', 'T'],
    macs: null,
  },
  {
    op: 'matmul',
    note: 'inner dims differ',
    inputs: [
      [3, 4],
      [3, 4],
    ],
    error: { code: 'E3001', contains: ['inner dims 4 and 3'] },
  },
  {
    op: 'matmul',
    note: 'batch dims differ',
    inputs: [
      [2, 3, 4],
      [3, 4, 5],
    ],
    error: { code: 'E3001', contains: ['batch dims'] },
  },
  {
    op: 'matmul',
    note: 'vectors',
    inputs: [[4], [4]],
    error: { code: 'E3004' },
  },
  {
    op: 'einsum',
    note: 'attention scores with a batch letter',
    inputs: [
      [3, 4],
      [5, 4],
    ],
    args: { equation: 'bqd,bkd->bqk' },
    ...weightless([3, 5]),
    macs: 60, // q 3 * k 5 * d 4
  },
  {
    op: 'einsum',
    note: 'attention-weighted values',
    inputs: [
      [3, 5],
      [5, 4],
    ],
    args: { equation: 'bqk,bkd->bqd' },
    ...weightless([3, 4]),
    macs: 60, // q 3 * k 5 * d 4
  },
  {
    op: 'einsum',
    note: 'per-head scores',
    inputs: [
      [2, 3, 4],
      [2, 5, 4],
    ],
    args: { equation: 'bhqd,bhkd->bhqk' },
    ...weightless([2, 3, 5]),
    macs: 120, // h 2 * q 3 * k 5 * d 4
  },
  {
    op: 'einsum',
    note: 'implied batch, transposed output',
    inputs: [
      [3, 4],
      [5, 4],
    ],
    args: { equation: 'qd,kd->kq' },
    ...weightless([5, 3]),
    macs: 60,
  },
  {
    op: 'einsum',
    note: 'needs an explicit output',
    inputs: [
      [3, 4],
      [4, 5],
    ],
    args: { equation: 'ij,jk' },
    error: { code: 'E2002', param: 'equation' },
  },
  {
    op: 'einsum',
    note: 'a letter summed over one operand',
    inputs: [
      [3, 4],
      [5, 4],
    ],
    args: { equation: 'qd,kd->q' },
    error: { code: 'E2002', param: 'equation', contains: ["letter 'k'"] },
  },
  {
    op: 'einsum',
    note: 'sizes of a letter differ',
    inputs: [
      [3, 4],
      [5, 6],
    ],
    args: { equation: 'bqd,bkd->bqk' },
    error: { code: 'E3001', contains: ["letter 'd' is 4", 'but 6'] },
  },
  { op: 'transpose', inputs: [[2, 3, 4]], args: { perm: [2, 0, 1] }, ...weightless([4, 2, 3]) },
  {
    op: 'transpose',
    note: 'negative axes',
    inputs: [[2, 3, 4]],
    args: { perm: [0, -1, -2] },
    shape: [2, 4, 3],
  },
  {
    op: 'transpose',
    inputs: [[2, 3]],
    args: { perm: [0, 0] },
    error: { code: 'E2002', param: 'perm', contains: ['permutation of [0, 1]'] },
  },
  { op: 'squeeze', inputs: [[1, 6]], args: { axis: 0 }, ...weightless([6]) },
  { op: 'squeeze', note: 'symbolic', inputs: [['T', 1]], args: { axis: -1 }, ...weightless(['T']) },
  {
    op: 'squeeze',
    inputs: [[2, 6]],
    args: { axis: 0 },
    error: { code: 'E3004', param: 'axis', contains: ['is 2'] },
  },
  { op: 'expand_dims', inputs: [[6]], args: { axis: 0 }, ...weightless([1, 6]) },
  {
    op: 'expand_dims',
    note: 'symbolic',
    inputs: [['T', 4]],
    args: { axis: -1 },
    ...weightless(['T', 4, 1]),
  },
  {
    op: 'expand_dims',
    inputs: [[2, 6]],
    args: { axis: 3 },
    error: { code: 'E2002', param: 'axis', contains: ['[-3, 2]'] },
  },
  { op: 'cropping1d', note: 'Keras default (1, 1)', inputs: [[10, 3]], ...weightless([8, 3]) },
  { op: 'cropping1d', inputs: [[10, 3]], args: { cropping: [2, 3] }, ...weightless([5, 3]) },
  {
    op: 'cropping1d',
    inputs: [[4, 3]],
    args: { cropping: 2 },
    error: { code: 'E3004', param: 'cropping', contains: ['leaving nothing'] },
  },
  {
    op: 'cropping2d',
    inputs: [[8, 9, 2]],
    args: {
      cropping: [
        [1, 2],
        [0, 3],
      ],
    },
    ...weightless([5, 6, 2]), // 8 - 1 - 2, 9 - 0 - 3
  },
  { op: 'cropping2d', note: 'int', inputs: [[8, 9, 2]], args: { cropping: 1 }, shape: [6, 7, 2] },
  { op: 'cropping2d', note: 'Keras default 0', inputs: [[8, 9, 2]], shape: [8, 9, 2] },
  {
    op: 'rescaling',
    note: 'one factor, 1 / 255',
    inputs: [[4, 4, 3]],
    args: { scale: 1 / 255 },
    ...weightless([4, 4, 3]),
  },
  {
    op: 'rescaling',
    note: 'per channel',
    inputs: [[4, 4, 3]],
    args: { scale: [2, 0.5, -1], offset: [0.1, 0.2, 0.3] },
    ...weightless([4, 4, 3]),
  },
  {
    op: 'rescaling',
    note: 'one value per channel',
    inputs: [[4, 4, 3]],
    args: { scale: [2, 0.5] },
    error: { code: 'E2002', param: 'scale', contains: ['2 channels'] },
  },
  {
    op: 'normalization',
    note: 'Keras counts mean, variance and count: 2 * 3 + 1',
    inputs: [[4, 4, 3]],
    args: { mean: [0.485, 0.456, 0.406], variance: [0.052, 0.05, 0.051] },
    shape: [4, 4, 3],
    weights: [
      ['mean', [3], false],
      ['variance', [3], false],
      ['count', [], false],
    ],
    params: 7, // 3 + 3 + 1, EfficientNetB0's `normalization` row in Keras's summary
    trainable: 0,
    macs: 0,
    run: true,
  },
  {
    op: 'normalization',
    note: 'defaults',
    inputs: [[10]],
    shape: [10],
    params: 21, // 10 + 10 + 1
    trainable: 0,
  },
  {
    op: 'normalization',
    inputs: [[4, 3]],
    args: { variance: -1 },
    error: { code: 'E2002', param: 'variance' },
  },
  {
    op: 'dropout',
    note: 'noise_shape: whole channels',
    inputs: [[4, 4, 3]],
    args: { rate: 0.1, noise_shape: [1, 1, 3] },
    ...weightless([4, 4, 3]),
  },
  {
    op: 'dropout',
    inputs: [[4, 4, 3]],
    args: { noise_shape: [1, 2, 3] },
    error: { code: 'E2002', param: 'noise_shape' },
  },
  // Low rates: the contract's gradient check (batch 2) fails when the draw drops every mask. At
  // rate 0.5 the six channel masks of a batch of 2 all drop once in 64 runs (CI failed so); at 0.1,
  // once in a million.
  { op: 'spatial_dropout1d', inputs: [[5, 3]], args: { rate: 0.1 }, ...weightless([5, 3]) },
  { op: 'spatial_dropout1d', note: 'rank 3', inputs: [[5, 5, 3]], error: { code: 'E3004' } },
  { op: 'spatial_dropout2d', inputs: [[4, 4, 3]], args: { rate: 0.1 }, ...weightless([4, 4, 3]) },
  // Per example: two masks, so the rate is lower still.
  { op: 'drop_path', inputs: [[4, 3]], args: { rate: 0.01 }, ...weightless([4, 3]) },
  {
    op: 'drop_path',
    inputs: [[4, 3]],
    args: { rate: 1 },
    error: { code: 'E2002', param: 'rate', contains: ['[0, 1)'] },
  },
  {
    op: 'resizing',
    note: 'bilinear, down and up',
    inputs: [[5, 7, 2]],
    args: { height: 3, width: 9 },
    ...weightless([3, 9, 2]),
  },
  {
    op: 'resizing',
    note: 'nearest',
    inputs: [[5, 7, 2]],
    args: { height: 8, width: 4, interpolation: 'nearest' },
    ...weightless([8, 4, 2]),
  },
  {
    op: 'resizing',
    note: 'symbolic input',
    inputs: [['H', 'W', 3]],
    args: { height: 4, width: 4 },
    shape: [4, 4, 3],
  },
  {
    op: 'resizing',
    inputs: [[5, 7, 2]],
    args: { height: 0, width: 4 },
    error: { code: 'E2002', param: 'height' },
  },
];

/** multi_head_attention (issue 13): Keras MultiHeadAttention's weights, counts and MACs. */
const attentionCases: OpCase[] = [
  {
    op: 'multi_head_attention',
    note: 'self-attention, 2 heads of 3',
    inputs: [[4, 8]],
    args: { num_heads: 2, key_dim: 3 },
    shape: [4, 8],
    weights: [
      ['query_kernel', [8, 2, 3], true],
      ['query_bias', [2, 3], true],
      ['key_kernel', [8, 2, 3], true],
      ['key_bias', [2, 3], true],
      ['value_kernel', [8, 2, 3], true],
      ['value_bias', [2, 3], true],
      ['output_kernel', [2, 3, 8], true],
      ['output_bias', [8], true],
    ],
    params: 218, // 3 * (8*2*3 + 2*3) + 2*3*8 + 8 = 162 + 56
    trainable: 218,
    // projections 4 * (4 tokens * 8 * 6) = 768; scores and sum 2 heads * 4 * 4 * (3 + 3) = 192
    macs: 960,
    run: true,
  },
  {
    op: 'multi_head_attention',
    note: 'cross attention with a key, value_dim, causal, no biases',
    inputs: [
      [3, 6],
      [5, 4],
      [5, 2],
    ],
    args: { num_heads: 2, key_dim: 3, value_dim: 4, causal: true, bias: false },
    shape: [3, 6],
    weights: [
      ['query_kernel', [6, 2, 3], true],
      ['key_kernel', [2, 2, 3], true],
      ['value_kernel', [4, 2, 4], true],
      ['output_kernel', [2, 4, 6], true],
    ],
    params: 128, // 36 + 12 + 32 + 48
    trainable: 128,
    // q 3*6*6 = 108, k 5*2*6 = 60, v 5*4*8 = 160, out 3*8*6 = 144; 2 heads * 3 * 5 * (3 + 4) = 210
    macs: 682,
    run: true,
  },
  {
    op: 'multi_head_attention',
    note: 'query and value (the key is the value), dropout',
    inputs: [
      [3, 4],
      [5, 6],
    ],
    args: { num_heads: 1, key_dim: 2, dropout: 0.1 },
    shape: [3, 4],
    weights: [
      ['query_kernel', [4, 1, 2], true],
      ['query_bias', [1, 2], true],
      ['key_kernel', [6, 1, 2], true],
      ['key_bias', [1, 2], true],
      ['value_kernel', [6, 1, 2], true],
      ['value_bias', [1, 2], true],
      ['output_kernel', [1, 2, 4], true],
      ['output_bias', [4], true],
    ],
    params: 50, // 8+2 + 12+2 + 12+2 + 8+4
    trainable: 50,
    // q 3*4*2 = 24, k and v 5*6*2 = 60 each, out 3*2*4 = 24; 1 head * 3 * 5 * (2 + 2) = 60
    macs: 228,
    run: true,
  },
  {
    op: 'multi_head_attention',
    note: 'symbolic sequence',
    inputs: [['T', 8]],
    args: { num_heads: 2, key_dim: 4, causal: true },
    shape: ['T', 8],
    params: 288, // 3 * (8*8 + 8) + 8*8 + 8
    macs: null,
  },
  {
    op: 'multi_head_attention',
    note: 'needs [sequence, features]',
    inputs: [[4, 4, 8]],
    args: { num_heads: 2, key_dim: 4 },
    error: { code: 'E3004', contains: ['query', '[sequence, features]', '[4, 4, 8]'] },
  },
  {
    op: 'multi_head_attention',
    note: 'known features',
    inputs: [[4, null]],
    args: { num_heads: 2, key_dim: 4 },
    error: { code: 'E3004', contains: ['known feature size', 'query'] },
  },
  {
    op: 'multi_head_attention',
    note: 'key and value lengths differ',
    inputs: [
      [3, 4],
      [5, 4],
      [6, 4],
    ],
    args: { num_heads: 1, key_dim: 2 },
    error: { code: 'E3001', contains: ['key [6, 4]', 'value [5, 4]'] },
  },
  {
    op: 'multi_head_attention',
    inputs: [[4, 8]],
    args: { num_heads: 0, key_dim: 4 },
    error: { code: 'E2002', param: 'num_heads', contains: ['strictly positive'] },
  },
  {
    op: 'multi_head_attention',
    inputs: [[4, 8]],
    args: { num_heads: 2, key_dim: 4, dropout: 1 },
    error: { code: 'E2002', param: 'dropout', contains: ['[0, 1)'] },
  },
];

/** weight (issue 13, learned tensors): its input only gives the batch; the shape is its own. */
const weightCases: OpCase[] = [
  {
    op: 'weight',
    inputs: [[3]],
    args: { shape: [2, 4], init: 'normal' },
    shape: [2, 4],
    weights: [['value', [2, 4], true]],
    params: 8, // 2*4
    trainable: 8,
    macs: 0,
    run: true,
  },
  {
    op: 'weight',
    note: 'the input shape does not matter',
    inputs: [['T', 5, 5]],
    args: { shape: [196, 192] },
    shape: [196, 192],
    weights: [['value', [196, 192], true]],
    params: 37_632, // 196*192
    trainable: 37_632,
    macs: 0,
  },
  {
    op: 'weight',
    note: 'rejects non-positive sizes',
    inputs: [[3]],
    args: { shape: [1, 0] },
    error: { code: 'E2002', param: 'shape' },
  },
  {
    op: 'weight',
    note: 'rejects a non-positive stddev',
    inputs: [[3]],
    args: { shape: [4], init: 'normal', stddev: 0 },
    error: { code: 'E2002', param: 'stddev' },
  },
];

/** position_embedding (issue 13): the first T rows of a [sequence_length, ...feature] table. */
const positionEmbeddingCases: OpCase[] = [
  {
    op: 'position_embedding',
    note: 'a symbolic length (8 at run time) of a 10-row table',
    inputs: [['T', 4]],
    args: { sequence_length: 10 },
    shape: ['T', 4],
    weights: [['embeddings', [10, 4], true]],
    params: 40, // 10*4
    trainable: 40,
    macs: 0,
    run: true,
  },
  {
    op: 'position_embedding',
    note: 'feature dims after the sequence axis',
    inputs: [[5, 2, 3]],
    args: { sequence_length: 7, init: 'normal', stddev: 0.01 },
    shape: [5, 2, 3],
    weights: [['embeddings', [7, 2, 3], true]],
    params: 42, // 7*2*3
    trainable: 42,
    macs: 0,
    run: true,
  },
  {
    op: 'position_embedding',
    note: 'a known length past the table',
    inputs: [[12, 4]],
    args: { sequence_length: 10 },
    error: { code: 'E3001', contains: ['12 steps', 'sequence_length 10'] },
  },
  {
    op: 'position_embedding',
    inputs: [[5, 4]],
    args: { sequence_length: 0 },
    error: { code: 'E2002', param: 'sequence_length' },
  },
  {
    op: 'position_embedding',
    note: 'needs a sequence of vectors',
    inputs: [[5]],
    args: { sequence_length: 8 },
    error: { code: 'E3001' },
  },
];

/** layer_norm over several axes and group_norm (issue 13). */
const groupNormCases: OpCase[] = [
  {
    op: 'layer_norm',
    note: 'two trailing axes: gamma and beta [4, 6] (PyTorch LayerNorm([4, 6]))',
    inputs: [[4, 6]],
    args: { axis: [0, 1], epsilon: 0.00001 },
    shape: [4, 6],
    weights: [
      ['gamma', [4, 6], true],
      ['beta', [4, 6], true],
    ],
    params: 48, // 2*4*6
    trainable: 48,
    macs: 0,
    run: true,
  },
  {
    op: 'layer_norm',
    note: 'negative axes in any order are sorted',
    inputs: [[3, 4, 6]],
    args: { axis: [-1, -2] },
    shape: [3, 4, 6],
    weights: [
      ['gamma', [4, 6], true],
      ['beta', [4, 6], true],
    ],
    params: 48,
    trainable: 48,
    macs: 0,
    run: true,
  },
  {
    op: 'layer_norm',
    note: 'axes that are not trailing',
    inputs: [[3, 4, 6]],
    args: { axis: [0, 2], scale: false },
    // tf.layers.layerNormalization without gamma or beta cannot fit (as on one axis above).
    trainFails: "Cannot read properties of undefined (reading 'dataId')",
    shape: [3, 4, 6],
    weights: [['beta', [3, 6], true]],
    params: 18, // 3*6
    trainable: 18,
    macs: 0,
    run: true,
  },
  {
    op: 'layer_norm',
    note: 'rejects a repeated axis',
    inputs: [[4, 6]],
    args: { axis: [1, -1] },
    error: { code: 'E2002', param: 'axis' },
  },
  {
    op: 'group_norm',
    note: '3 groups of 2 channels on an image',
    inputs: [[5, 5, 6]],
    args: { groups: 3 },
    shape: [5, 5, 6],
    weights: [
      ['gamma', [6], true],
      ['beta', [6], true],
    ],
    params: 12, // 2*6
    trainable: 12,
    macs: 0,
    run: true,
  },
  {
    op: 'group_norm',
    note: 'a sequence, one group, no scale',
    inputs: [[7, 4]],
    args: { groups: 1, scale: false, epsilon: 0.00001 },
    shape: [7, 4],
    weights: [['beta', [4], true]],
    params: 4,
    trainable: 4,
    macs: 0,
    run: true,
  },
  {
    op: 'group_norm',
    note: 'a vector: each group over its own channels only',
    inputs: [[8]],
    args: { groups: 2, center: false, scale: false },
    shape: [8],
    weights: none,
    params: 0,
    trainable: 0,
    macs: 0,
    run: true,
  },
  {
    op: 'group_norm',
    note: 'rejects groups that do not divide the channels',
    inputs: [[5, 6]],
    args: { groups: 4 },
    error: { code: 'E2002', param: 'groups' },
  },
  {
    op: 'group_norm',
    note: 'needs a known channel count',
    inputs: [[5, null]],
    args: { groups: 1 },
    error: { code: 'E3004' },
  },
];

/** Every case, grouped as the registry is. */
export const opCases: readonly OpCase[] = [
  ...convOtherCases.filter((c) => c.op === 'conv1d'),
  ...conv2dCases,
  ...convOtherCases.filter((c) => c.op !== 'conv1d'),
  ...denseCases,
  ...normalizationCases,
  ...activationCases,
  ...poolingCases,
  ...paddingCases,
  ...reshapeCases,
  ...mergingCases,
  ...embeddingInputCases,
  ...sliceCases,
  ...beyondConvnetCases,
  ...attentionCases,
  ...weightCases,
  ...groupNormCases,
  // Position embeddings (issue 13).
  ...positionEmbeddingCases,
  // Recurrent layers (issue 14).
  ...recurrentCases,
];

/** The cases that run on tensors. */
export const runCases: readonly OpCase[] = opCases.filter((c) => c.run);

/** A short test title: op, inputs, arguments, and the note. */
export function caseTitle(c: OpCase): string {
  const args = c.args && Object.keys(c.args).length > 0 ? ` ${JSON.stringify(c.args)}` : '';
  const note = c.note ? ` (${c.note})` : '';
  return `${c.op} ${JSON.stringify(c.inputs)}${args}${note}`;
}
