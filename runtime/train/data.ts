/**
 * Training data bound to a graph: one example array per input and per output, and the batch
 * tensors made from a list of example indices (targets one-hot for the sparse loss).
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import { gatherBatch, gatherOneHot, type ExampleArray } from './batches.js';
import type { LossName } from './names.js';

/** Inputs and targets, batch first, in the order of the graph's inputs and outputs. */
export interface TrainData {
  readonly x: readonly ExampleArray[];
  readonly y: readonly ExampleArray[];
}

/** The number of examples; throws when the arrays disagree or do not match the graph's ports. */
export function exampleCount(graph: Graph, data: TrainData): number {
  if (data.x.length !== graph.inputs.length)
    throw new Error(`${data.x.length} input arrays for ${graph.inputs.length} model inputs`);
  if (data.y.length !== graph.outputs.length)
    throw new Error(`${data.y.length} target arrays for ${graph.outputs.length} model outputs`);
  const n = data.x[0]?.shape[0] ?? 0;
  for (const a of [...data.x, ...data.y]) {
    if (a.shape[0] !== n)
      throw new Error(`the arrays hold different numbers of examples (${n} and ${a.shape[0]})`);
  }
  return n;
}

/** The class count of an output (its last dim), for one-hot targets. */
export function classCount(graph: Graph, output: number): number {
  const shape = graph.outputs[output].shape;
  const last = shape[shape.length - 1];
  if (typeof last !== 'number' || last < 2) {
    throw new Error(
      `sparse_categorical_crossentropy needs an output whose last dim counts the classes; '${graph.outputs[output].name}' is [${shape.join(', ')}]`,
    );
  }
  return last;
}

/** The input tensors of the examples `indices` (the caller disposes them). */
export function inputTensors(data: TrainData, indices: ArrayLike<number>): tf.Tensor[] {
  return data.x.map((a) => {
    const b = gatherBatch(a, indices);
    return tf.tensor(b.data, b.shape, 'float32');
  });
}

/** The target arrays of the examples `indices`: sparse class indices as one-hot rows. */
export function targetArrays(
  graph: Graph,
  data: TrainData,
  indices: ArrayLike<number>,
  loss: LossName,
): { shape: number[]; data: Float32Array }[] {
  return data.y.map((a, i) =>
    loss === 'sparse_categorical_crossentropy'
      ? gatherOneHot(a, indices, classCount(graph, i))
      : gatherBatch(a, indices),
  );
}

/** `targetArrays` as tensors (the caller disposes them). */
export function targetTensors(
  graph: Graph,
  data: TrainData,
  indices: ArrayLike<number>,
  loss: LossName,
): tf.Tensor[] {
  return targetArrays(graph, data, indices, loss).map((b) => tf.tensor(b.data, b.shape, 'float32'));
}

/** `[start, start + count)` as a list of indices. */
export function range(start: number, count: number): Uint32Array {
  const r = new Uint32Array(count);
  for (let i = 0; i < count; i++) r[i] = start + i;
  return r;
}
