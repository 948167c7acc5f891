/**
 * The configs of netc's own tfjs layers (runtime/layers), by class name: what an op's tfjs
 * lowering passes to `ctx.custom(className, config)`. Types only, so the compiler names the
 * layers without loading them; each runtime layer's constructor takes its config (plus tfjs's
 * own layer arguments), so a misspelt key or a wrong value type is a compile error on both sides.
 * Self-contained (no imports): the code generator copies it with the layers.
 */
export interface CustomLayerConfigs {
  NetcBatchNorm: NetcBatchNormConfig;
  NetcBroadcast: NetcBroadcastConfig;
  NetcConv: NetcConvConfig;
  NetcConvTranspose: NetcConvTransposeConfig;
  NetcDepthwiseConv: NetcDepthwiseConvConfig;
  NetcElu: NetcEluConfig;
  NetcGlobalPool: NetcGlobalPoolConfig;
  NetcScale: NetcScaleConfig;
  NetcSlice: NetcSliceConfig;
  NetcSoftmax: NetcSoftmaxConfig;
  NetcSubtract: NamedLayerConfig;
  NetcZeroPad1D: NetcZeroPad1DConfig;
  NetcZeroPadChannels: NetcZeroPadChannelsConfig;
  // Beyond convnets (issue 13): matrix products, axis reshapes, cropping.
  NetcMatMul: NetcMatMulConfig;
  NetcEinsum: NetcEinsumConfig;
  NetcAxisReshape: NetcAxisReshapeConfig;
  NetcCropping1D: NetcCropping1DConfig;
  NetcResize: NetcResizeConfig;
  NetcRescaling: NetcRescalingConfig;
  NetcNormalization: NetcNormalizationConfig;
  // Attention (issue 13).
  NetcAttention: NetcAttentionConfig;
  // Learned tensors (issue 13).
  NetcWeight: NetcWeightConfig;
  // Group normalization (issue 13).
  NetcGroupNorm: NetcGroupNormConfig;
  // Recurrent layers (issue 14): lstm, gru, simple_rnn, one or both directions.
  NetcRecurrent: NetcRecurrentConfig;
  // Tied embeddings (issue 13): one embedding that looks ids up and projects back.
  NetcEmbedding: NetcEmbeddingConfig;
  // Masking of padded steps (issue 14).
  NetcStepMask: NetcMaskValueConfig;
  NetcMasking: NetcMaskValueConfig;
  // Position embeddings (issue 13): the first T rows of a learned table.
  NetcPositionEmbedding: NetcPositionEmbeddingConfig;
}

/**
 * An embedding applied both as a lookup and in reverse (`x @ embeddings^T`): an application
 * whose input has one of `reverseRanks` (batch included) is a reverse one.
 */
export interface NetcEmbeddingConfig extends NamedLayerConfig {
  inputDim: number;
  outputDim: number;
  reverseRanks: number[];
}

/** A registered class name of one of netc's own layers. */
export type CustomLayerName = keyof CustomLayerConfigs;

/** Padding as layer configs store it: a mode, or `[before, after]` per spatial axis. */
export type PaddingConfig = 'same' | 'valid' | [number, number][];

/** What every layer config holds: the layer name. */
export interface NamedLayerConfig {
  name: string;
}

export interface NetcBatchNormConfig extends NamedLayerConfig {
  /** The feature axis, Keras-style (the batch is 0). */
  axis: number;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
}

/** The elementwise operations of `NetcBroadcast`: `+ - * /`. */
export type BroadcastOp = 'add' | 'sub' | 'mul' | 'div';

export interface NetcBroadcastConfig extends NamedLayerConfig {
  /** Applied left to right over the inputs (two or more), NumPy-broadcast past the batch. */
  op: BroadcastOp;
}

export interface NetcConvConfig extends NamedLayerConfig {
  rank: 1 | 2;
  filters: number;
  kernelSize: number[];
  strides: number[];
  padding: PaddingConfig;
  dilationRate: number[];
  groups: number;
  useBias: boolean;
  /** A netc activation name (`ActivationName`; a string here, so this file imports nothing). */
  activation: string;
}

export interface NetcConvTransposeConfig extends NamedLayerConfig {
  filters: number;
  /** One size per spatial axis: 1 (`conv1d_transpose`) or 2. */
  kernelSize: number[];
  strides: number[];
  padding: 'same' | 'valid';
  /** Extra rows / columns at the end of the output (Keras `output_padding`), or null. */
  outputPadding: number[] | null;
  useBias: boolean;
  /** A netc activation name. */
  activation: string;
}

export interface NetcDepthwiseConvConfig extends NamedLayerConfig {
  kernelSize: [number, number];
  strides: [number, number];
  padding: PaddingConfig;
  dilationRate: [number, number];
  depthMultiplier: number;
  /** Output channels of a following 1x1 pointwise convolution (separable), or null. */
  filters: number | null;
  useBias: boolean;
  /** A netc activation name. */
  activation: string;
}

export interface NetcEluConfig extends NamedLayerConfig {
  alpha: number;
}

export interface NetcGlobalPoolConfig extends NamedLayerConfig {
  mode: 'max' | 'avg';
  /** Spatial axes: 1 (`[length, channels]`) or 2 (`[height, width, channels]`). */
  rank: 1 | 2;
  keepdims: boolean;
}

export interface NetcScaleConfig extends NamedLayerConfig {
  factor: number;
}

export interface NetcSliceConfig extends NamedLayerConfig {
  /** The axis, Keras-style (the batch is 0). */
  axis: number;
  /** The first index kept, and how many are kept, `step` apart. */
  start: number;
  count: number;
  step: number;
  /** Drop the axis (then `count` is 1). */
  squeeze: boolean;
}

export interface NetcSoftmaxConfig extends NamedLayerConfig {
  /** The axis, Keras-style (the batch is 0). */
  axis: number;
  /** Add the causal mask over the last two axes (`causalMask`, compiler/ops/causal-mask.ts). */
  causal: boolean;
}

export interface NetcZeroPad1DConfig extends NamedLayerConfig {
  /** Zeros `[before, after]` the length axis. */
  padding: [number, number];
}

export interface NetcZeroPadChannelsConfig extends NamedLayerConfig {
  /** Channel count of the output. */
  channels: number;
}

export interface NetcMatMulConfig extends NamedLayerConfig {
  transposeA: boolean;
  transposeB: boolean;
}

export interface NetcEinsumConfig extends NamedLayerConfig {
  /** The equation with its batch letter written out (`planEinsum`'s `equation`). */
  equation: string;
}

export interface NetcAxisReshapeConfig extends NamedLayerConfig {
  mode: 'squeeze' | 'expand_dims';
  /** The axis removed or inserted, Keras-style (the batch is 0). */
  axis: number;
}

export interface NetcCropping1DConfig extends NamedLayerConfig {
  /** Rows `[start, end]` dropped off the length axis. */
  cropping: [number, number];
}

export interface NetcResizeConfig extends NamedLayerConfig {
  /** The output `[height, width]` (`resizing`), or null to scale by `factor`. */
  size: [number, number] | null;
  /** Integer `[height, width]` factors (`upsampling2d`), or null when `size` is given. */
  factor: [number, number] | null;
  interpolation: 'bilinear' | 'nearest';
}

export interface NetcRescalingConfig extends NamedLayerConfig {
  /** One value, or one per channel (last axis). */
  scale: number[];
  offset: number[];
}

export interface NetcNormalizationConfig extends NamedLayerConfig {
  /** Initial mean and variance: one value, or one per channel (last axis). */
  mean: number[];
  variance: number[];
}

export interface NetcAttentionConfig extends NamedLayerConfig {
  numHeads: number;
  /** Size of each head for query and key. */
  keyDim: number;
  /** Size of each head for value. */
  valueDim: number;
  /** Dropout rate on the attention probabilities during training. */
  dropout: number;
  /** Add the causal mask (`causalMask`) to the scores. */
  causal: boolean;
  useBias: boolean;
}

export interface NetcWeightConfig extends NamedLayerConfig {
  /** The per-sample shape of the learned tensor (no batch). */
  shape: number[];
  /** How an unseeded build starts it (a seeded one writes the compiler's draw over it). */
  init: 'zeros' | 'ones' | 'constant' | 'normal' | 'glorot_uniform';
  /** The fill of `init: 'constant'`. */
  value: number;
  /** The standard deviation of `init: 'normal'`. */
  stddev: number;
}

export interface NetcGroupNormConfig extends NamedLayerConfig {
  groups: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
}

export interface NetcRecurrentConfig extends NamedLayerConfig {
  cell: 'lstm' | 'gru' | 'simple_rnn';
  units: number;
  /** netc activation names of the candidate / output and of the gates. */
  activation: string;
  recurrentActivation: string;
  useBias: boolean;
  returnSequences: boolean;
  goBackwards: boolean;
  /** GRU only: the reset gate after the recurrent product (bias `[2, 3 * units]`). */
  resetAfter: boolean;
  /** A second, backward set of weights (`forward_kernel`, `backward_kernel`, ...). */
  bidirectional: boolean;
  mergeMode: 'concat' | 'sum' | 'mul' | 'ave';
  /** How many initial states follow the sequence among the inputs (0: zeros); a mask comes last. */
  initialStates: number;
  /** Training only: the dropped fractions of the input features and of the previous h. */
  dropout: number;
  recurrentDropout: number;
  /** The output then the final states (h, c per direction), end to end on the last axis. */
  returnState: boolean;
}

/** `step_mask` and `masking`: the value of a padded step (an id, or every feature). */
export interface NetcMaskValueConfig extends NamedLayerConfig {
  maskValue: number;
}

export interface NetcPositionEmbeddingConfig extends NamedLayerConfig {
  /** The rows of the table: the longest sequence it covers. */
  sequenceLength: number;
  /** The per-step shape (the input's dims after the sequence axis). */
  feature: number[];
  /** How an unseeded build starts the table (a seeded one writes the compiler's draw over it). */
  init: 'glorot_uniform' | 'normal';
  /** The standard deviation of `init: 'normal'`. */
  stddev: number;
}
