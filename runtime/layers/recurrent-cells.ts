import * as tf from '@tensorflow/tfjs';

/** One direction's weights: Keras' `kernel`, `recurrent_kernel` and `bias` (or none). */
export interface CellWeights {
  readonly kernel: tf.Tensor2D;
  readonly recurrent: tf.Tensor2D;
  readonly bias: tf.Tensor | null;
}

/** What a step of a cell needs besides its input: weights and activations. */
export interface CellParts {
  readonly units: number;
  readonly recurrent: tf.Tensor2D;
  /** GRU `reset_after`: the bias row added to the recurrent product, else null. */
  readonly recurrentBias: tf.Tensor | null;
  readonly activation: (x: tf.Tensor) => tf.Tensor;
  readonly gate: (x: tf.Tensor) => tf.Tensor;
  readonly resetAfter: boolean;
}

/**
 * One time step of a cell: the step's input projection `x kernel + input bias` (`[batch, gates *
 * units]`, computed for every step at once) and the states (`[h]`, or LSTM's `[h, c]`) give the
 * new states; `h` is the step's output.
 */
export type CellStep = (
  projected: tf.Tensor2D,
  states: tf.Tensor2D[],
  p: CellParts,
) => tf.Tensor2D[];

const mm = (h: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D => tf.matMul(h, w);

/** Keras LSTM: gates i, f, c, o; `c = f c + i act(c~)`, `h = o act(c)`. */
export const lstmStep: CellStep = (projected, [h, c], p) => {
  const [i, f, g, o] = tf.split(tf.add(projected, mm(h, p.recurrent)), 4, 1);
  const cNext = tf.add(tf.mul(p.gate(f), c), tf.mul(p.gate(i), p.activation(g))) as tf.Tensor2D;
  return [tf.mul(p.gate(o), p.activation(cNext)) as tf.Tensor2D, cNext];
};

/**
 * Keras GRU: gates z, r, h; `h' = z h + (1 - z) act(h~)`. With `reset_after` the reset gate
 * multiplies the recurrent product (plus its own bias row), else the state before it.
 */
export const gruStep: CellStep = (projected, [h], p) => {
  const [xz, xr, xh] = tf.split(projected, 3, 1);
  const u = p.units;
  let z: tf.Tensor;
  let candidate: tf.Tensor;
  if (p.resetAfter) {
    let rec: tf.Tensor = mm(h, p.recurrent);
    if (p.recurrentBias) rec = tf.add(rec, p.recurrentBias);
    const [rz, rr, rh] = tf.split(rec, 3, 1);
    z = p.gate(tf.add(xz, rz));
    const r = p.gate(tf.add(xr, rr));
    candidate = p.activation(tf.add(xh, tf.mul(r, rh)));
  } else {
    const zr = mm(h, tf.slice(p.recurrent, [0, 0], [u, 2 * u]));
    const [rz, rr] = tf.split(zr, 2, 1);
    z = p.gate(tf.add(xz, rz));
    const r = p.gate(tf.add(xr, rr));
    const rh = mm(tf.mul(r, h) as tf.Tensor2D, tf.slice(p.recurrent, [0, 2 * u], [u, u]));
    candidate = p.activation(tf.add(xh, rh));
  }
  return [tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D];
};

/** Keras SimpleRNN: `h' = act(x kernel + h recurrent_kernel + bias)`. */
export const simpleRnnStep: CellStep = (projected, [h], p) => [
  p.activation(tf.add(projected, mm(h, p.recurrent))) as tf.Tensor2D,
];
