import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcRecurrentConfig } from '../../compiler/ops/custom-layers.js';
import { activationFn } from './activations.js';
import {
  gruStep,
  lstmStep,
  simpleRnnStep,
  type CellStep,
  type CellWeights,
} from './recurrent-cells.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcRecurrentArgs = LayerArgs & NetcRecurrentConfig;

const STEPS: Readonly<Record<NetcRecurrentConfig['cell'], { gates: number; step: CellStep }>> = {
  lstm: { gates: 4, step: lstmStep },
  gru: { gates: 3, step: gruStep },
  simple_rnn: { gates: 1, step: simpleRnnStep },
};

/**
 * `lstm`, `gru` and `simple_rnn` (Keras semantics and weights), one direction or both: the input
 * projection of every step in one matMul, then a loop over the steps with plain tfjs ops, so
 * gradients flow on every backend (tfjs-layers' GRU has no `reset_after`).
 */
export class NetcRecurrent extends tf.layers.Layer {
  static readonly className = 'NetcRecurrent';
  readonly settings: NetcRecurrentConfig;
  private cells: {
    kernel: tf.LayerVariable;
    recurrent: tf.LayerVariable;
    bias: tf.LayerVariable | null;
  }[] = [];

  constructor(args: NetcRecurrentArgs) {
    super(args);
    const { cell, units, activation, recurrentActivation, useBias, returnSequences } = args;
    const { goBackwards, resetAfter, bidirectional, mergeMode, name } = args;
    // Configs saved before these existed: none.
    const initialStates = args.initialStates ?? 0;
    const dropout = args.dropout ?? 0;
    const recurrentDropout = args.recurrentDropout ?? 0;
    const returnState = args.returnState ?? false;
    this.settings = {
      name,
      cell,
      units,
      activation,
      recurrentActivation,
      useBias,
      returnSequences,
      goBackwards,
      resetAfter,
      bidirectional,
      mergeMode,
      initialStates,
      dropout,
      recurrentDropout,
      returnState,
    };
  }

  /**
   * A dropout mask of `shape` (`[batch, features]`) at `rate`: 0, or `1 / (1 - rate)`. Drawn
   * once per sequence and direction; a static member, so that tests can watch the draws.
   */
  static dropoutMask(shape: [number, number], rate: number): tf.Tensor2D {
    return tf.tidy(() =>
      tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(shape), rate), 'float32'), 1 - rate),
    );
  }

  override build(inputShape: TfShape | TfShape[]): void {
    const features = sequenceShape(inputShape)[2];
    if (features === null) throw new Error(`${this.name}: the feature count must be known`);
    const { cell, units, useBias, resetAfter, bidirectional } = this.settings;
    const g = STEPS[cell].gates * units;
    const biasShape = cell === 'gru' && resetAfter ? [2, g] : [g];
    const init = tf.initializers.glorotUniform({});
    this.cells = (bidirectional ? ['forward_', 'backward_'] : ['']).map((p) => ({
      kernel: this.addWeight(`${p}kernel`, [features, g], 'float32', init),
      recurrent: this.addWeight(`${p}recurrent_kernel`, [units, g], 'float32', init),
      bias: useBias
        ? this.addWeight(`${p}bias`, biasShape, 'float32', tf.initializers.zeros())
        : null,
    }));
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const [batch, steps] = sequenceShape(inputShape);
    const { units, bidirectional, mergeMode, returnSequences, returnState, cell } = this.settings;
    const width = bidirectional && mergeMode === 'concat' ? 2 * units : units;
    const states = (cell === 'lstm' ? 2 : 1) * (bidirectional ? 2 : 1);
    if (returnState) {
      const packed = width + states * units;
      return returnSequences ? [batch, steps, packed] : [batch, packed];
    }
    return returnSequences ? [batch, steps, width] : [batch, width];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const all = Array.isArray(inputs) ? inputs : [inputs];
      const x = all[0] as tf.Tensor3D;
      const n = this.settings.initialStates;
      const initial = all.slice(1, 1 + n) as tf.Tensor2D[];
      const mask = all[1 + n] as tf.Tensor | undefined;
      // The steps to read, [batch, steps] of 1 and 0 (a mask value other than 0 is a real step).
      const kept = mask && tf.cast(tf.notEqual(mask, 0), 'float32');
      const read = (i: number): CellWeights => ({
        kernel: this.cells[i].kernel.read() as tf.Tensor2D,
        recurrent: this.cells[i].recurrent.read() as tf.Tensor2D,
        bias: this.cells[i].bias?.read() ?? null,
      });
      const { bidirectional, goBackwards, returnSequences, mergeMode } = this.settings;
      // Keras' Bidirectional gives zeros at padded steps (`zero_output_for_mask`), RNN repeats.
      const zero = bidirectional && returnSequences;
      // Keras' order: the forward direction's states, then the backward one's.
      const k = n / (bidirectional ? 2 : 1);
      const start = (d: number) => (n > 0 ? initial.slice(d * k, (d + 1) * k) : null);
      const training = kwargs.training === true;
      const options = (d: number): RunOptions => ({
        kept,
        zero,
        initial: start(d),
        ...this.dropoutMasks(x, training),
      });
      const forward = this.run(x, read(0), goBackwards, options(0));
      // return_state: the output, then the final states of each direction, end to end.
      // With return_sequences the states are repeated at every step.
      const withStates = (out: tf.Tensor, ...runs: Run[]) => {
        if (!this.settings.returnState) return out;
        const states = tf.concat(
          runs.flatMap((r) => r.states),
          -1,
        );
        const atSteps = returnSequences
          ? tf.tile(tf.expandDims(states, 1), [1, x.shape[1], 1])
          : states;
        return tf.concat([out, atSteps], -1);
      };
      if (!bidirectional) return withStates(forward.out, forward);
      const backward = this.run(x, read(1), true, options(1));
      // Keras' Bidirectional puts the backward step outputs back in input order.
      const back = returnSequences ? tf.reverse(backward.out, 1) : backward.out;
      return withStates(merge(forward.out, back, mergeMode), forward, backward);
    });
  }

  /** Keras 3's dropout masks of one direction in training: one per sequence, for every step. */
  private dropoutMasks(x: tf.Tensor3D, training: boolean): Pick<RunOptions, 'drop' | 'dropH'> {
    const { dropout, recurrentDropout, units } = this.settings;
    const [batch, , features] = x.shape;
    const draw = (size: number, rate: number) =>
      training && rate > 0 ? NetcRecurrent.dropoutMask([batch, size], rate) : null;
    return { drop: draw(features, dropout), dropH: draw(units, recurrentDropout) };
  }

  /**
   * One direction over `x [batch, steps, features]`: `[batch, steps, units]` or `[batch, units]`.
   * A padded step (`kept` 0) keeps the states; its output is the previous output, or zeros
   * with `zero`. The states start from `initial`, or zeros. In training, `drop` multiplies every
   * step's input and `dropH` the previous `h` wherever the cell reads it (Keras 3).
   */
  private run(x: tf.Tensor3D, w: CellWeights, backwards: boolean, o: RunOptions): Run {
    const { kept, zero, initial, drop, dropH } = o;
    const { cell, units, resetAfter, returnSequences } = this.settings;
    const [batch, steps, features] = x.shape;
    const g = STEPS[cell].gates * units;
    const twoRows = cell === 'gru' && resetAfter;
    const inputBias = w.bias && (twoRows ? tf.slice(w.bias, [0, 0], [1, g]) : w.bias);
    const read = drop ? tf.mul(x, tf.expandDims(drop, 1)) : x;
    const ordered = backwards ? tf.reverse(read, 1) : read;
    let projected: tf.Tensor = tf.matMul(tf.reshape(ordered, [batch * steps, features]), w.kernel);
    if (inputBias) projected = tf.add(projected, tf.reshape(inputBias, [g]));
    const perStep = tf.unstack(tf.reshape(projected, [batch, steps, g]), 1) as tf.Tensor2D[];
    const parts = {
      units,
      recurrent: w.recurrent,
      recurrentBias: w.bias && twoRows ? tf.reshape(tf.slice(w.bias, [1, 0], [1, g]), [g]) : null,
      activation: activationFn(this.settings.activation),
      gate: activationFn(this.settings.recurrentActivation),
      resetAfter,
    };
    const zeros = tf.zeros([batch, units]) as tf.Tensor2D;
    let states = initial ?? (cell === 'lstm' ? [zeros, zeros] : [zeros]);
    // Keras' previous output at a padded step: zeros before the first real step.
    let previous = zeros;
    const outputs: tf.Tensor2D[] = [];
    const keptSteps =
      kept &&
      (tf.unstack(tf.expandDims(backwards ? tf.reverse(kept, 1) : kept, 2), 1) as tf.Tensor2D[]);
    perStep.forEach((p, t) => {
      const into = dropH ? [tf.mul(states[0], dropH) as tf.Tensor2D, ...states.slice(1)] : states;
      const next = STEPS[cell].step(p, into, parts);
      if (!keptSteps) {
        states = next;
        previous = states[0];
        outputs.push(previous);
        return;
      }
      const m = keptSteps[t];
      const old = states;
      const keep = (now: tf.Tensor2D, before: tf.Tensor2D) =>
        tf.add(before, tf.mul(m, tf.sub(now, before))) as tf.Tensor2D;
      states = next.map((s, i) => keep(s, old[i]));
      previous = zero ? (tf.mul(m, next[0]) as tf.Tensor2D) : keep(next[0], previous);
      outputs.push(previous);
    });
    // The last output: with a mask, the last real step's (zeros when there is none).
    if (!returnSequences) return { out: outputs.length > 0 ? previous : zeros, states };
    return { out: tf.stack(outputs, 1), states };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.settings };
  }
}
tf.serialization.registerClass(NetcRecurrent);

/** What one direction's run gives: its output, and its final states (h, and LSTM's c). */
interface Run {
  readonly out: tf.Tensor;
  readonly states: tf.Tensor2D[];
}

/** What one direction's run reads besides its input and weights. */
interface RunOptions {
  /** `[batch, steps]`, 1 for a real step, or none. */
  readonly kept: tf.Tensor | undefined;
  /** Zeros, not the previous output, at padded steps (Bidirectional's sequences). */
  readonly zero: boolean;
  readonly initial: tf.Tensor2D[] | null;
  /** Training: the dropout masks of the input features and of h, or none. */
  readonly drop: tf.Tensor2D | null;
  readonly dropH: tf.Tensor2D | null;
}

/** The sequence's shape of the layer's inputs (`[x]` or `[x, mask]`). */
function sequenceShape(shape: TfShape | TfShape[]): TfShape {
  return Array.isArray(shape[0]) ? (shape as TfShape[])[0] : (shape as TfShape);
}

/** Keras' `merge_mode` of two directions' outputs. */
function merge(f: tf.Tensor, b: tf.Tensor, mode: NetcRecurrentConfig['mergeMode']): tf.Tensor {
  switch (mode) {
    case 'concat':
      return tf.concat([f, b], -1);
    case 'sum':
      return tf.add(f, b);
    case 'mul':
      return tf.mul(f, b);
    case 'ave':
      return tf.mul(tf.add(f, b), 0.5);
  }
}
