import * as tf from '@tensorflow/tfjs';
import { activationFn } from './activations.js';
import {
  as2d,
  corePadding,
  one,
  oneShape,
  windowSizes,
  type Kwargs,
  type LayerArgs,
  type TfShape,
} from './common.js';
import type { NetcConvConfig, PaddingConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcConvArgs = LayerArgs & NetcConvConfig;

/**
 * A 1-D or 2-D convolution with `groups` and explicit padding, which tfjs's Conv1D/Conv2D lack.
 * One layer with ONE kernel `[..kernel_size, in / groups, filters]` (+ `bias [filters]`), the
 * Keras layout. Grouped convolution runs the fastest exact way on the backend (`groupedConv2d`):
 * narrow groups as one depthwise convolution with channel multiplier `filters / groups` whose
 * per-input-channel outputs are summed within each group (on wasm 2-5x faster than slicing the
 * groups), wide groups as one convolution per group (measurements in README.md).
 */
export class NetcConv extends tf.layers.Layer {
  static readonly className = 'NetcConv';
  readonly rank: 1 | 2;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: PaddingConfig;
  readonly dilationRate: number[];
  readonly groups: number;
  readonly useBias: boolean;
  readonly activation: string;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: NetcConvArgs) {
    super(args);
    this.rank = args.rank;
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.dilationRate = args.dilationRate;
    this.groups = args.groups;
    this.useBias = args.useBias;
    this.activation = args.activation;
    this.act = activationFn(args.activation);
  }

  override build(inputShape: TfShape | TfShape[]): void {
    const cin = oneShape(inputShape)[this.rank + 1];
    if (cin === null) throw new Error(`${this.name}: the channel count must be known`);
    this.kernel = this.addWeight(
      'kernel',
      [...this.kernelSize, cin / this.groups, this.filters],
      'float32',
      tf.initializers.glorotUniform({}),
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const s = oneShape(inputShape);
    const spatial = s.slice(1, this.rank + 1);
    const out = windowSizes(
      spatial,
      this.kernelSize,
      this.strides,
      this.dilationRate,
      this.padding,
    );
    return [s[0], ...out, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let x = one(inputs) as tf.Tensor4D;
      if (this.rank === 1) x = tf.expandDims(x, 1) as tf.Tensor4D;
      let k = this.kernel!.read() as tf.Tensor4D;
      if (this.rank === 1) k = tf.expandDims(k, 0) as tf.Tensor4D;
      const y = groupedConv2d(
        x,
        k,
        this.groups,
        as2d(this.strides),
        corePadding(this.padding),
        as2d(this.dilationRate),
      );
      let out: tf.Tensor = this.rank === 1 ? tf.squeeze(y, [1]) : y;
      if (this.bias) out = tf.add(out, this.bias.read());
      return this.act(out);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      rank: this.rank,
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      groups: this.groups,
      useBias: this.useBias,
      activation: this.activation,
    };
  }
}
tf.serialization.registerClass(NetcConv);

/**
 * Where one tf.conv2d per group (on channel slices, concatenated) overtakes the depthwise
 * formulation: when every group has at least this many input and output channels. Measured per
 * backend with bench/grouped-conv.ts (runtime/layers/README.md); other backends take the
 * wasm threshold.
 */
export const SLICES_FROM_GROUP_WIDTH: Readonly<Record<string, number>> = { wasm: 32, cpu: 16 };

/** The formulation `groupedConv2d` picks on `backend` for groups of `cg` in, `og` out channels. */
export function groupedConvFormulation(
  backend: string,
  cg: number,
  og: number,
): 'depthwise' | 'slices' {
  const from = SLICES_FROM_GROUP_WIDTH[backend] ?? SLICES_FROM_GROUP_WIDTH.wasm;
  return Math.min(cg, og) >= from ? 'slices' : 'depthwise';
}

/**
 * NHWC convolution with `groups`, kernel `[kh, kw, cin / groups, cout]`: the fastest exact
 * formulation on the current backend (`groupedConvFormulation`). Narrow groups (ResNeXt's 4 to
 * 16 channels) run as one depthwise convolution, wide ones as one convolution per group.
 */
export function groupedConv2d(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  groups: number,
  strides: [number, number],
  pad: ReturnType<typeof corePadding>,
  dilations: [number, number],
): tf.Tensor4D {
  if (groups === 1) return tf.conv2d(x, kernel, strides, pad, 'NHWC', dilations);
  const [, , cg, cout] = kernel.shape;
  const how = groupedConvFormulation(tf.getBackend(), cg, cout / groups);
  return how === 'slices'
    ? groupedConv2dSlices(x, kernel, groups, strides, pad, dilations)
    : groupedConv2dDepthwise(x, kernel, groups, strides, pad, dilations);
}

/** One tf.conv2d per group on its channel slice, outputs concatenated in group order. */
export function groupedConv2dSlices(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  groups: number,
  strides: [number, number],
  pad: ReturnType<typeof corePadding>,
  dilations: [number, number],
): tf.Tensor4D {
  return tf.tidy(() => {
    const xs = tf.split(x, groups, 3) as tf.Tensor4D[];
    const ks = tf.split(kernel, groups, 3) as tf.Tensor4D[];
    const ys = xs.map((xi, g) => tf.conv2d(xi, ks[g], strides, pad, 'NHWC', dilations));
    return tf.concat(ys, 3);
  });
}

/**
 * A depthwise convolution whose multiplier is `cout / groups` (input channel `c` of group `g`
 * carries the kernel columns of group `g`), then a sum over the channels of each group.
 */
export function groupedConv2dDepthwise(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  groups: number,
  strides: [number, number],
  pad: ReturnType<typeof corePadding>,
  dilations: [number, number],
): tf.Tensor4D {
  const [kh, kw, cg, cout] = kernel.shape;
  const og = cout / groups;
  const cin = cg * groups;
  // [kh, kw, cg, groups, og] -> [kh, kw, groups, cg, og]: depthwise channel g * cg + i.
  const dk = tf.reshape(
    tf.transpose(tf.reshape(kernel, [kh, kw, cg, groups, og]), [0, 1, 3, 2, 4]),
    [kh, kw, cin, og],
  ) as tf.Tensor4D;
  const y = tf.depthwiseConv2d(x, dk, strides, pad, 'NHWC', dilations);
  const [b, oh, ow] = y.shape;
  if (cg === 1) return y;
  return tf.reshape(tf.sum(tf.reshape(y, [b, oh, ow, groups, cg, og]), 4), [b, oh, ow, cout]);
}
