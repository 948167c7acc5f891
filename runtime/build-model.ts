import * as tf from '@tensorflow/tfjs';
import type { Graph, IRNode } from '../compiler/ir/graph.js';
import type { Shape } from '../compiler/ir/shape.js';
import { getOp } from '../compiler/ops/registry.js';
import { customLayer, tfjsActivation } from './layers/index.js';
import { layerNames, sanitizeName } from '../compiler/ir/layer-names.js';

export interface BuildOptions {
  /**
   * Makes the initial weights deterministic: every randomly initialised weight (kernels,
   * embeddings) is drawn again from its Keras-default distribution with a seed derived from
   * this one, the layer index and the weight index. Without it, tfjs's unseeded defaults stay.
   */
  readonly seed?: number;
}

/**
 * Builds a `tf.LayersModel` from an IR graph: one tfjs layer per node, made by the op registry's
 * `tfjs` lowering, applied to the node's inputs. Unknown and symbolic dims become `null`. The
 * model's inputs and outputs are the graph's, in order. Training and inference follow the
 * tfjs-layers `training` flag (batch norm and dropout behave as in Keras).
 */
export function buildModel(graph: Graph, options: BuildOptions = {}): tf.LayersModel {
  const names = layerNames(graph.nodes);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const tensors = new Map<number, tf.SymbolicTensor>();
  for (const node of graph.nodes) {
    const op = getOp(node.op);
    if (!op) throw new Error(`unknown op '${node.op}' (node ${node.name})`);
    if (!op.tfjs) throw new Error(`op '${node.op}' has no TensorFlow.js lowering`);
    const inputShapes: Shape[] = node.inputs.map((i) => byId.get(i)!.shape);
    const layer = op.tfjs({
      tf,
      name: names.get(node.id)!,
      attrs: node.attrs,
      inputs: inputShapes,
      output: node.shape,
      activation: tfjsActivation,
      custom: customLayer,
    });
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
  if (options.seed !== undefined) reseed(model, options.seed);
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

/** Derived seed for weight `w` of layer `l`: deterministic, spread out (FNV-1a style mix). */
function deriveSeed(seed: number, l: number, w: number): number {
  let h = 2166136261 ^ (seed >>> 0);
  for (const v of [l, w]) {
    h = Math.imul(h ^ v, 16777619) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h;
}

const kernelNames = new Set(['kernel', 'depthwise_kernel', 'pointwise_kernel']);

/**
 * Redraws the random weights with derived seeds, from the distributions tfjs uses by default:
 * Glorot uniform for kernels (fans from the kernel shape, as Keras computes them), uniform in
 * [-0.05, 0.05] for embeddings. The other weights start at constants (zeros, ones) already.
 */
function reseed(model: tf.LayersModel, seed: number): void {
  model.layers.forEach((layer, l) => {
    layer.weights.forEach((v, w) => {
      const name = v.originalName.split('/').pop()!;
      const s = deriveSeed(seed, l, w);
      let init: ReturnType<typeof tf.initializers.zeros> | null = null;
      if (kernelNames.has(name)) init = tf.initializers.glorotUniform({ seed: s });
      else if (name === 'embeddings')
        init = tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: s });
      if (!init) return;
      const value = init.apply(v.shape, 'float32');
      v.write(value);
      value.dispose();
    });
  });
}
