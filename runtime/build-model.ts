import * as tf from '@tensorflow/tfjs';
import type { Graph, IRNode } from '../compiler/ir/graph.js';
import type { Shape } from '../compiler/ir/shape.js';
import { getOp } from '../compiler/ops/registry.js';
import { customLayer, FastBatchNormalization, FastConv2D, tfjsActivation } from './layers/index.js';
import { layerNames, sanitizeName } from '../compiler/ir/layer-names.js';
import { initialWeights } from '../compiler/initial-weights.js';
import { applicationsOf } from '../compiler/ops/applications.js';
import { fillModel } from './graph-weights.js';
import { requireBackend } from './backend.js';

export interface BuildOptions {
  /**
   * Makes the initial weights deterministic: the model is filled with `initialWeights(graph,
   * seed)` (each op's declared initializer, drawn per node and weight name from this seed, in
   * plain JS). Without it, tfjs's unseeded defaults stay.
   */
  readonly seed?: number;
}

/**
 * The `tf` the registry's lowerings get: tfjs, with `tf.layers.batchNormalization` making the
 * subclass whose training step is one fused op (runtime/layers/batch-norm.ts) and
 * `tf.layers.conv2d` the one whose training step skips an input gradient nothing needs
 * (runtime/layers/fast-conv2d.ts); same weights, config and inference.
 */
const loweringTf: typeof tf = {
  ...tf,
  layers: {
    ...tf.layers,
    batchNormalization: (args) =>
      new FastBatchNormalization(args ?? {}) as ReturnType<typeof tf.layers.batchNormalization>,
    conv2d: (args) => new FastConv2D(args) as ReturnType<typeof tf.layers.conv2d>,
  },
};

/**
 * Builds a `tf.LayersModel` from an IR graph: one tfjs layer per node, made by the op registry's
 * `tfjs` lowering, applied to the node's inputs. Unknown and symbolic dims become `null`. The
 * model's inputs and outputs are the graph's, in order. Training and inference follow the
 * tfjs-layers `training` flag (batch norm and dropout behave as in Keras).
 */
export function buildModel(graph: Graph, options: BuildOptions = {}): tf.LayersModel {
  requireBackend('buildModel');
  const names = layerNames(graph.nodes);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const tensors = new Map<number, tf.SymbolicTensor>();
  const layers = new Map<number, tf.layers.Layer>();
  for (const node of graph.nodes) {
    const op = getOp(node.op);
    if (!op) throw new Error(`unknown op '${node.op}' (node ${node.name})`);
    if (!op.tfjs) throw new Error(`op '${node.op}' has no TensorFlow.js lowering`);
    const inputShapes: Shape[] = node.inputs.map((i) => byId.get(i)!.shape);
    // A node sharing weights applies its owner's layer again (tfjs-layers' layer reuse).
    const layer =
      node.shares === undefined
        ? op.tfjs({
            tf: loweringTf,
            name: names.get(node.id)!,
            attrs: node.attrs,
            inputs: inputShapes,
            output: node.shape,
            activation: tfjsActivation,
            custom: customLayer,
            ...applicationsOf(graph, node),
          })
        : layers.get(node.shares)!;
    layers.set(node.id, layer);
    let out: tf.SymbolicTensor;
    if (node.inputs.length === 0) {
      // An input layer: its output exists as soon as it is made.
      out = layer.inboundNodes[0].outputTensors[0];
    } else {
      const ins = node.inputs.map((i) => {
        const t = tensors.get(i);
        if (!t) throw new Error(`node ${node.name} uses node ${i} before it is defined`);
        return t;
      });
      out = layer.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor;
    }
    checkShape(node, out.shape);
    tensors.set(node.id, out);
  }
  const port = (p: { node: number; name: string }) => {
    const t = tensors.get(p.node);
    if (!t) throw new Error(`graph port '${p.name}' names no node`);
    return t;
  };
  const model = tf.model({
    name: sanitizeName(graph.name),
    inputs: graph.inputs.map(port),
    outputs: graph.outputs.map(port),
  });
  if (options.seed !== undefined) fillModel(model, graph, initialWeights(graph, options.seed));
  return model;
}

/** The tfjs layer must produce the shape the compiler inferred (known dims only). */
function checkShape(node: IRNode, shape: (number | null)[]): void {
  const want = node.shape;
  const got = shape.slice(1);
  const ok =
    got.length === want.length &&
    want.every((d, i) => typeof d !== 'number' || got[i] === null || got[i] === d);
  if (!ok) {
    throw new Error(
      `internal error: tfjs gives ${node.name} (${node.op}) the shape [${got.join(', ')}], the compiler [${want.join(', ')}]`,
    );
  }
}
