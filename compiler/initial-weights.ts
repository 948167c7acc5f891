/**
 * Deterministic initial weights from the op registry's initializers (`WeightSpec.init`), in
 * plain JS: no TensorFlow.js model is built. Each tensor is drawn from its own stream, seeded
 * by hashing (seed, node name, weight name), so a weight's values depend on nothing else (adding
 * a layer does not change the others). The generator is splitmix32; floats take its top 24 bits.
 */
import type { Graph } from './ir/graph.js';
import type { GraphWeights, WeightArray } from './ir/weights.js';
import type { WeightInit } from './ops/op.js';
import { expectedWeights } from './weights-check.js';

/** FNV-1a over the UTF-16 code units of `text`, continuing from `h`. */
function hashText(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** The 32-bit stream seed of one weight: (seed, node, weight) hashed, then mixed. */
export function weightSeed(seed: number, node: string, weight: string): number {
  let h = hashText(2166136261, String(seed >>> 0));
  h = hashText(h ^ 0x2f, node); // a separator, so ('ab', 'c') and ('a', 'bc') differ
  h = hashText(h ^ 0x2f, weight);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A splitmix32 generator: uniform floats in [0, 1) from a 32-bit state. */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
    z = (z ^ (z >>> 15)) >>> 0;
    return (z >>> 8) / 16777216;
  };
}

/**
 * Keras's fans of a weight shape (keras `compute_fans`, tfjs `computeFans`): `[n]` gives n and
 * n, `[in, out]` in and out, longer shapes the receptive field (all but the last two axes)
 * times the second-last and the last axis.
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return { fanIn: shape.at(-2)! * receptive, fanOut: shape.at(-1)! * receptive };
}

/** The limit l of U(-l, l) for a random initializer; null for a constant one. */
export function uniformLimit(init: WeightInit, shape: readonly number[]): number | null {
  switch (init.kind) {
    case 'glorot_uniform': {
      const { fanIn, fanOut } = fans(shape);
      return Math.sqrt(6 / Math.max(1, fanIn + fanOut));
    }
    case 'uniform':
      return init.limit;
    case 'constant':
    case 'values':
    case 'normal':
      return null;
  }
}

/** One weight's initial values: `init` applied to `shape`, random ones from stream `seed`. */
export function initialValues(
  init: WeightInit,
  shape: readonly number[],
  seed: number,
): Float32Array {
  const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
  if (init.kind === 'constant') return data.fill(init.value);
  if (init.kind === 'values') {
    data.set(init.values);
    return data;
  }
  const next = splitmix32(seed);
  if (init.kind === 'normal') {
    // Box-Muller: two uniforms in (0, 1] give one standard normal.
    for (let i = 0; i < data.length; i++) {
      const u = 1 - next();
      data[i] = init.stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    }
    return data;
  }
  const limit = uniformLimit(init, shape)!;
  for (let i = 0; i < data.length; i++) data[i] = (2 * next() - 1) * limit;
  return data;
}

/**
 * Every weight of `graph`, initialised as its op declares (Glorot uniform kernels with Keras
 * fans, uniform embeddings, constant biases and batch-norm statistics), deterministically from
 * `seed`: the same (seed, node name, weight name) always gives the same values.
 */
export function initialWeights(graph: Graph, seed: number): GraphWeights {
  const out = new Map<string, WeightArray>();
  for (const { key, node, spec } of expectedWeights(graph)) {
    const data = initialValues(spec.init, spec.shape, weightSeed(seed, node.name, spec.name));
    out.set(key, { shape: [...spec.shape], data });
  }
  return out;
}
