import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkFile } from '../../../compiler/compile.js';
import type { Graph } from '../../../compiler/ir/graph.js';
import type { Shape } from '../../../compiler/ir/shape.js';
import { weightKey, type GraphWeights, type WeightArray } from '../../../compiler/ir/weights.js';
import { getOp } from '../../../compiler/ops/registry.js';
import { onnx, type OnnxProto } from '../../../codegen/onnx/proto.js';
import { buildModel, concreteInputShapes } from '../../../api/index.js';
import { createOnnxRuntimeModel } from '../../../engines/onnxruntime.js';
import { readGraphWeights } from '../../../runtime/graph-weights.js';
import { randomize } from '../../runtime/helpers.js';

export { ortAvailable } from './ort-probe.js';

export const repo = join(import.meta.dirname, '../../..');
export const samplesDir = join(repo, 'samples');
export const fixturesDir = join(import.meta.dirname, 'fixtures');
export const sampleFiles = readdirSync(samplesDir).filter((f) => f.endsWith('.net'));

/** The one graph of a `.net` file (or its model `model`) that must compile. */
export function graphOf(path: string, model?: string): Graph {
  const r = checkFile(path, { model });
  if (!r.ok || r.graphs.length !== 1) {
    throw new Error(`${path}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  }
  return r.graphs[0];
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function pseudoRandom(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * Weights for every node as the registry declares them, filled with pseudo-random values
 * (variances positive), without TensorFlow.js: for structure tests.
 */
export function syntheticWeights(graph: Graph): Map<string, WeightArray> {
  const shapes = new Map(graph.nodes.map((n) => [n.id, n.shape]));
  const out = new Map<string, WeightArray>();
  let seed = 1;
  for (const node of graph.nodes) {
    if (node.shares !== undefined) continue; // its owner's weights
    const specs = getOp(node.op)!.weights(
      node.inputs.map((i) => shapes.get(i)!),
      node.attrs,
    );
    for (const spec of specs) {
      const n = spec.shape.reduce((p, d) => p * d, 1);
      const data = pseudoRandom(n, seed++);
      if (spec.name === 'moving_variance' || spec.name === 'variance')
        data.forEach((v, i) => (data[i] = v + 1.5));
      out.set(weightKey(node.name, spec.name), { shape: spec.shape, data });
    }
  }
  return out;
}

export const decode = (bytes: Uint8Array): OnnxProto.ModelProto => onnx.ModelProto.decode(bytes);

/** Nodes of a decoded model by op type. */
export function nodesOf(model: OnnxProto.ModelProto, opType?: string): OnnxProto.INodeProto[] {
  const all = model.graph!.node ?? [];
  return opType ? all.filter((n) => n.opType === opType) : all;
}

/** A node attribute's value (int, ints, float or string). */
export function attr(node: OnnxProto.INodeProto, name: string): unknown {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a) return undefined;
  const { AttributeType } = onnx.AttributeProto;
  switch (a.type) {
    case AttributeType.INT:
      return Number(a.i);
    case AttributeType.INTS:
      return (a.ints ?? []).map(Number);
    case AttributeType.FLOAT:
      return a.f;
    case AttributeType.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    default:
      return a;
  }
}

/** The dims of a graph input or output: numbers, or the dim_param names. */
export function ioDims(v: OnnxProto.IValueInfoProto): (number | string | null)[] {
  return (v.type!.tensorType!.shape!.dim ?? []).map((d) =>
    d.dimParam ? d.dimParam : d.dimValue != null ? Number(d.dimValue) : null,
  );
}

/** Replaces a final softmax (an op, or the fused activation of the output node) by nothing. */
export function logitsOf(graph: Graph): Graph {
  const last = graph.nodes[graph.nodes.length - 1];
  if (graph.outputs.length !== 1 || graph.outputs[0].node !== last.id) return graph;
  if (last.op === 'softmax') {
    const prev = graph.nodes.find((n) => n.id === last.inputs[0])!;
    return {
      ...graph,
      nodes: graph.nodes.slice(0, -1),
      outputs: [{ ...graph.outputs[0], node: prev.id, shape: prev.shape }],
    };
  }
  if (last.attrs.activation !== 'softmax') return graph;
  const linear = { ...last, attrs: { ...last.attrs, activation: 'linear' } };
  return { ...graph, nodes: [...graph.nodes.slice(0, -1), linear] };
}

export interface OutputParity {
  readonly name: string;
  readonly shape: readonly number[];
  /** max |tfjs - onnxruntime| */
  readonly maxDiff: number;
  /** max |tfjs| */
  readonly maxAbs: number;
  /** maxDiff / max(1, maxAbs): the figure the tests bound */
  readonly error: number;
  readonly finite: boolean;
}

/** Input arrays for the graph: given sizes for unknown dims, else the smallest valid ones. */
export function inputArrays(
  graph: Graph,
  batch: number,
  sizes?: readonly Shape[],
): { shape: number[]; data: Float32Array }[] {
  const shapes = sizes ?? concreteInputShapes(graph);
  const ids = graph.nodes.some((n) => n.op === 'embedding');
  return shapes.map((s, i) => {
    const shape = [batch, ...(s as number[])];
    const data = pseudoRandom(
      shape.reduce((p, d) => p * d, 1),
      17 + i,
    );
    // Embedding ids: floats in [0, 4), truncated to valid ids by both engines.
    if (ids) data.forEach((v, k) => (data[k] = (v + 1) * 2));
    return { shape, data };
  });
}

/**
 * Builds the graph on tfjs (current backend) with seeded, then randomised weights (batch-norm
 * statistics included), reads them, runs the ONNX export on onnxruntime-node and compares each
 * output with `model.predict` on the same inputs.
 */
export async function parity(
  graph: Graph,
  options: {
    batch?: number;
    sizes?: readonly Shape[];
    optimize?: boolean;
    externalData?: 'auto' | 'always';
  } = {},
): Promise<OutputParity[]> {
  const model = buildModel(graph, { seed: 3 });
  try {
    randomize(model);
    const weights: GraphWeights = readGraphWeights(model, graph);
    const inputs = inputArrays(graph, options.batch ?? 2, options.sizes);
    const ort = await createOnnxRuntimeModel(graph, weights, {
      optimize: options.optimize,
      externalData: options.externalData,
    });
    let got;
    try {
      got = await ort.run(inputs);
    } finally {
      await ort.dispose();
    }
    const xs = inputs.map((a) => tf.tensor(a.data, a.shape, 'float32'));
    const y = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
    const ys = Array.isArray(y) ? y : [y];
    const out = graph.outputs.map((port, i): OutputParity => {
      const want = ys[i].dataSync();
      expectShape(port.name, got[i].shape, ys[i].shape);
      let maxDiff = 0;
      let maxAbs = 0;
      let finite = true;
      for (let k = 0; k < want.length; k++) {
        if (!Number.isFinite(want[k]) || !Number.isFinite(got[i].data[k])) finite = false;
        maxDiff = Math.max(maxDiff, Math.abs(want[k] - got[i].data[k]));
        maxAbs = Math.max(maxAbs, Math.abs(want[k]));
      }
      return {
        name: port.name,
        shape: got[i].shape,
        maxDiff,
        maxAbs,
        error: maxDiff / Math.max(1, maxAbs),
        finite,
      };
    });
    tf.dispose([...xs, ...ys]);
    return out;
  } finally {
    model.dispose();
  }
}

function expectShape(name: string, got: readonly number[], want: readonly number[]): void {
  if (got.join(',') !== want.join(',')) {
    throw new Error(
      `output ${name}: onnxruntime gives [${got.join(', ')}], tfjs [${want.join(', ')}]`,
    );
  }
}
