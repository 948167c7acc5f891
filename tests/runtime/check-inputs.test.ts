/**
 * checkInputs / inputProblems against hand-written ports: every problem found, each message
 * naming the port, the expected and the found shape.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import type { GraphPort } from '../../compiler/ir/graph.js';
import { Source } from '../../compiler/source.js';
import {
  checkInputs,
  InputCheckError,
  inputProblems,
  type InputArray,
} from '../../runtime/check-inputs.js';

const port = (name: string, shape: (number | string | null)[]): GraphPort => ({
  name,
  node: 0,
  shape,
});

/** An array of `shape` filled with 0, 1, 2, ... */
const array = (shape: number[], source?: string): InputArray => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i),
  ...(source === undefined ? {} : { source }),
});

const image = port('image', [4, 4, 3]);
const seqA = port('a', ['T', 2]);
const seqB = port('b', ['T', 2]);

describe('inputProblems', () => {
  it('none for arrays that fit, with unknown and symbolic dims', () => {
    expect(inputProblems([image], [array([2, 4, 4, 3])])).toEqual([]);
    expect(inputProblems([port('x', [null, 3])], [array([1, 7, 3])])).toEqual([]);
    expect(inputProblems([seqA, seqB], [array([2, 5, 2]), array([2, 5, 2])])).toEqual([]);
  });

  it('the number of arrays', () => {
    expect(inputProblems([seqA, seqB], [array([2, 5, 2])])).toEqual([
      'the model has 2 inputs (a, b), given 1 array',
    ]);
  });

  it('an array without the batch dim, and a wrong known dim', () => {
    expect(inputProblems([image], [array([4, 4, 3], 'x.npy')])).toEqual([
      "input 'image' expects [batch, 4, 4, 3], found [4, 4, 3] from x.npy: the first dim is the batch; for one example save it as x[None] (shape [1, 4, 4, 3])",
    ]);
    expect(inputProblems([image], [array([2, 4, 5, 3])])).toEqual([
      "input 'image' expects [batch, 4, 4, 3], found [2, 4, 5, 3]",
    ]);
  });

  it('an empty batch and a zero dim', () => {
    expect(inputProblems([port('x', [null])], [array([0, 3])])).toEqual([
      "input 'x' expects [batch, ?], found [0, 3]: the batch is empty",
    ]);
    expect(inputProblems([port('x', [null])], [array([2, 0])])).toEqual([
      "input 'x' expects [batch, ?], found [2, 0]: dim 1 is 0",
    ]);
  });

  it('a symbolic dim of different sizes in two inputs', () => {
    expect(inputProblems([seqA, seqB], [array([2, 5, 2]), array([2, 6, 2], 'b.npy')])).toEqual([
      "input 'b' expects [batch, T, 2], found [2, 6, 2] from b.npy: T is 6 here but 5 in input 'a'",
    ]);
  });

  it('batch sizes that differ', () => {
    const x = port('x', [3]);
    const y = port('y', [3]);
    expect(inputProblems([x, y], [array([2, 3], 'x.npy'), array([4, 3], 'y.npy')])).toEqual([
      "the batch sizes differ: 4 in y.npy (input 'y'), 2 in x.npy (input 'x')",
    ]);
  });

  it('the dtype and the amount of data', () => {
    const ints = { shape: [1, 3], data: Int32Array.from([1, 2, 3]) };
    // A JavaScript caller can pass any typed array; TypeScript callers see the type error.
    expect(inputProblems([port('x', [3])], [ints as unknown as InputArray])).toEqual([
      "input 'x': the data is Int32Array, expected a Float32Array",
    ]);
    expect(inputProblems([port('x', [3])], [{ shape: [2, 3], data: new Float32Array(5) }])).toEqual(
      ["input 'x': shape [2, 3] holds 6 values, the data 5"],
    );
  });

  it('every problem at once', () => {
    const problems = inputProblems(
      [image, port('mask', [4, 4])],
      [array([4, 4, 3]), array([2, 4, 5])],
      'target',
    );
    expect(problems).toEqual([
      "target 'image' expects [batch, 4, 4, 3], found [4, 4, 3]: the first dim is the batch; for one example save it as x[None] (shape [1, 4, 4, 3])",
      "target 'mask' expects [batch, 4, 4], found [2, 4, 5]",
    ]);
  });
});

describe('checkInputs', () => {
  const result = checkSource(
    new Source('two.net', 'model two(a: [3], b: [2]) {\n  return y: concat(a, b) |> dense(2)\n}\n'),
  );
  const graph = result.graphs[0];

  it('returns float32 tensors in input order when the arrays fit', async () => {
    await tf.setBackend('cpu');
    const ts = checkInputs(graph, [array([2, 3]), array([2, 2])]);
    expect(ts.map((t) => t.shape)).toEqual([
      [2, 3],
      [2, 2],
    ]);
    expect(ts.map((t) => t.dtype)).toEqual(['float32', 'float32']);
    expect(Array.from(ts[1].dataSync())).toEqual([0, 1, 2, 3]);
    tf.dispose(ts);
  });

  it('throws one InputCheckError listing every problem', () => {
    let error: unknown;
    try {
      checkInputs(graph, [array([2, 4]), array([2, 3])]);
    } catch (e) {
      error = e;
    }
    if (!(error instanceof InputCheckError)) throw error;
    const { problems, message } = error;
    expect(problems).toEqual([
      "input 'a' expects [batch, 3], found [2, 4]",
      "input 'b' expects [batch, 2], found [2, 3]",
    ]);
    expect(message).toBe(`2 problems with the inputs:\n  ${problems[0]}\n  ${problems[1]}`);
  });
});
