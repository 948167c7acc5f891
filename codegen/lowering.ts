import type * as tf from '@tensorflow/tfjs';
import type { Graph, IRNode } from '../compiler/ir/graph.js';
import type { Shape } from '../compiler/ir/shape.js';
import type { TfjsContext } from '../compiler/ops/op.js';
import { applicationsOf } from '../compiler/ops/applications.js';
import { getOp } from '../compiler/ops/registry.js';
import { tfjsActivation } from '../compiler/ops/tfjs-activation.js';

/** A tfjs-layers factory call: `tf.layers.<factory>(config)`. */
export interface FactoryLayer {
  readonly kind: 'tfjs';
  readonly factory: string;
  readonly config: Record<string, unknown>;
}

/** One of netc's own layers (runtime/layers): `new <class>(config)`. */
export interface CustomLayer {
  readonly kind: 'custom';
  readonly className: string;
  readonly config: Record<string, unknown>;
}

export type LayerCall = FactoryLayer | CustomLayer;

export interface LoweredNode {
  readonly node: IRNode;
  readonly layer: LayerCall;
  /** The activations the lowering asked for: netc name, tfjs identifier (`ctx.activation`). */
  readonly activations: readonly { readonly name: string; readonly id: string }[];
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * What the registry's `tfjs` lowering of each node builds, as data. The lowering runs exactly as
 * the interpreter runs it (runtime/build-model.ts), with the same layer name, attributes, shapes
 * and activation mapping, except that `tf` is a recording stand-in: `tf.layers.<factory>(config)`
 * and `ctx.custom(className, config)` return a description of the call instead of a layer. A
 * lowering must make exactly one such call and return its result, and use nothing else of `tf`.
 */
export function lowerGraph(graph: Graph, names: ReadonlyMap<number, string>): LoweredNode[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return graph.nodes.map((node) => {
    const op = getOp(node.op);
    if (!op) throw new Error(`unknown op '${node.op}' (node ${node.name})`);
    if (!op.tfjs) throw new Error(`op '${node.op}' has no TensorFlow.js lowering`);
    const calls: LayerCall[] = [];
    const activations: { name: string; id: string }[] = [];
    const record = (call: LayerCall): tf.layers.Layer => {
      calls.push(call);
      return call as unknown as tf.layers.Layer;
    };
    const layers = new Proxy(
      {},
      {
        get(_target, key) {
          // Whether the factory exists is checked where the module is type-checked (tsc): this
          // file loads no TensorFlow.js, so that netc/compiler can compile to TypeScript without it.
          if (typeof key !== 'string' || !identifier.test(key)) {
            throw new Error(
              `op '${node.op}': tf.layers.${String(key)} is not a tfjs layer factory`,
            );
          }
          return (config: Record<string, unknown>) =>
            record({ kind: 'tfjs', factory: key, config });
        },
      },
    );
    const recordingTf = new Proxy(
      {},
      {
        get(_target, key) {
          if (key === 'layers') return layers;
          throw new Error(
            `op '${node.op}': its tfjs lowering uses tf.${String(key)}; code generation supports tf.layers factories and ctx.custom`,
          );
        },
      },
    ) as typeof tf;
    const inputs: Shape[] = node.inputs.map((i) => byId.get(i)!.shape);
    const ctx: TfjsContext = {
      tf: recordingTf,
      name: names.get(node.id)!,
      attrs: node.attrs,
      inputs,
      output: node.shape,
      activation(name) {
        const id = tfjsActivation(name);
        activations.push({ name, id: id as string });
        return id;
      },
      custom: (className, config) =>
        record({ kind: 'custom', className, config: Object.fromEntries(Object.entries(config)) }),
      ...applicationsOf(graph, node),
    };
    const result = op.tfjs(ctx) as unknown;
    if (calls.length !== 1 || result !== calls[0]) {
      throw new Error(
        `op '${node.op}': its tfjs lowering must build exactly one layer and return it (node ${node.name})`,
      );
    }
    return { node, layer: calls[0], activations };
  });
}
