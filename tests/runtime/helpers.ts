import * as tf from '@tensorflow/tfjs';
import type { Graph, IRNode } from '../../compiler/ir/graph.js';
import type { Shape } from '../../compiler/ir/shape.js';
import type { Attrs } from '../../compiler/ops/op.js';
import { getOp } from '../../compiler/ops/registry.js';
import { Source, span } from '../../compiler/source.js';
import { buildModel, concreteInputShapes, initBackend, type BackendName } from '../../api/index.js';
import { attrsOf as opAttrsOf, type Arg } from '../compiler/ops/helpers.js';

export type { Arg };

/** Validated attributes of an op by name, converted and defaulted as the lowering does. */
export function attrsOf(opName: string, args: Record<string, Arg> = {}): Attrs {
  const op = getOp(opName);
  if (!op) throw new Error(`no op ${opName}`);
  return opAttrsOf(op, args);
}

const source = new Source('test.net', '');
const where = span(source, 0, 0);

function node(
  id: number,
  name: string,
  op: string,
  inputs: number[],
  attrs: Attrs,
  shape: Shape,
): IRNode {
  return { id, name, op, inputs, attrs, shape, scope: [], span: where, expansion: [] };
}

/** A graph of one op applied to fresh inputs of the given shapes. */
export function opGraph(
  opName: string,
  inputShapes: Shape[],
  args: Record<string, Arg> = {},
): Graph {
  const op = getOp(opName)!;
  const nodes: IRNode[] = inputShapes.map((s, i) =>
    node(i, `x${i}`, 'input', [], attrsOf('input', { shape: s as Arg[] }), s),
  );
  const attrs = attrsOf(opName, args);
  const shape = op.shape(inputShapes, attrs);
  const id = nodes.length;
  nodes.push(
    node(
      id,
      `block.${opName}_0`,
      opName,
      nodes.map((n) => n.id),
      attrs,
      shape,
    ),
  );
  return {
    name: `test_${opName}`,
    span: where,
    inputs: nodes.slice(0, -1).map((n) => ({ name: n.name, node: n.id, shape: n.shape })),
    outputs: [{ name: 'y', node: id, shape }],
    nodes,
  };
}

/** A one-op model; weights by name can be set to given arrays. */
export function opModel(
  opName: string,
  inputShapes: Shape[],
  args: Record<string, Arg> = {},
  weights: Record<string, tf.Tensor> = {},
): tf.LayersModel {
  const model = buildModel(opGraph(opName, inputShapes, args), { seed: 7 });
  const layer = model.layers[model.layers.length - 1];
  for (const v of layer.weights) {
    const w = weights[v.originalName.split('/').pop()!];
    if (w) v.write(w);
  }
  return model;
}

export async function useBackend(name: BackendName = 'wasm'): Promise<void> {
  await initBackend(name);
}

/** Max absolute difference of two equally shaped arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Max |got - want| / max(1, max |want|): the relative bound parity tests hold outputs to. */
export function relDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  return maxDiff(got, want) / scale;
}

/** `n` deterministic pseudo-random floats in [-1, 1) (a 32-bit LCG from `seed`). */
export function randValues(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return data;
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function rand(shape: number[], seed = 1): tf.Tensor {
  return tf.tensor(
    randValues(
      shape.reduce((p, d) => p * d, 1),
      seed,
    ),
    shape,
  );
}

/** A graph of ops applied one after another to one input. */
export function chainGraph(input: Shape, steps: [string, Record<string, Arg>][]): Graph {
  const nodes: IRNode[] = [
    node(0, 'x', 'input', [], attrsOf('input', { shape: input as Arg[] }), input),
  ];
  steps.forEach(([opName, args], i) => {
    const prev = nodes[nodes.length - 1];
    const attrs = attrsOf(opName, args);
    const shape = getOp(opName)!.shape([prev.shape], attrs);
    nodes.push(node(i + 1, `net.${opName}_${i}`, opName, [prev.id], attrs, shape));
  });
  const last = nodes[nodes.length - 1];
  return {
    name: 'chain',
    span: where,
    inputs: [{ name: 'x', node: 0, shape: input }],
    outputs: [{ name: 'y', node: last.id, shape: last.shape }],
    nodes,
  };
}

/** Values a model could not get by chance: every weight differs from its initial value. */
export function randomize(model: tf.LayersModel): void {
  model.weights.forEach((v, i) => {
    const name = v.originalName.split('/').pop()!;
    const u = tf.randomUniform(v.shape as number[], 0, 1, 'float32', 100 + i);
    const value = tf.tidy(() =>
      name === 'moving_variance' || name === 'variance' || name === 'gamma'
        ? tf.add(u, 0.5)
        : /kernel|embeddings/.test(name)
          ? tf.add(v.read(), tf.mul(tf.sub(u, 0.5), 0.02))
          : tf.mul(tf.sub(u, 0.5), 0.4),
    );
    v.write(value);
    tf.dispose([u, value]);
  });
}

/** The graph's input shapes as the interpreter takes them, for the smallest valid size. */
export function inputsFor(graph: Graph, batch = 1): tf.Tensor[] {
  const hasEmbedding = graph.nodes.some((n) => n.op === 'embedding');
  return concreteInputShapes(graph).map((s, i) =>
    // Ids for embeddings: floats in [0, 4) truncate to valid ids.
    hasEmbedding
      ? tf.mul(tf.randomUniform([batch, ...s], 0, 1, 'float32', i), 4)
      : rand([batch, ...s], i + 1),
  );
}
