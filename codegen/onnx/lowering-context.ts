import type { IRNode } from '../../compiler/ir/graph.js';
import { weightKey, type GraphWeights, type WeightArray } from '../../compiler/ir/weights.js';
import type { OnnxContext, OnnxValue } from '../../compiler/ops/onnx.js';
import { effectiveLayout, layoutPerm } from '../../compiler/ops/onnx-layout.js';
import type { OnnxModelBuilder } from './model-builder.js';

/** What the lowerings of one graph share while it is exported. */
export interface LoweringState {
  readonly builder: OnnxModelBuilder;
  readonly weights: GraphWeights;
  readonly opset: number;
  readonly nodes: ReadonlyMap<number, IRNode>;
  /** The tensor of each node lowered so far, by node id. */
  readonly values: Map<number, OnnxValue>;
  /** The graph input of each `input` node, by node id. */
  readonly graphInputs: ReadonlyMap<number, string>;
  /** Transposed copies made so far: `<tensor>\0<layout>` -> name, so each is made once. */
  readonly transposed: Map<string, string>;
  /**
   * The float initializers made so far, by `<weight owner>\0<suffix>`: a layer that shares
   * weights reuses its owner's initializer when its lowering makes the same tensor.
   */
  readonly constants: Map<string, { readonly name: string; readonly value: WeightArray }[]>;
}

const sameArray = (a: WeightArray, b: WeightArray): boolean =>
  a.shape.length === b.shape.length &&
  a.shape.every((d, i) => d === b.shape[i]) &&
  a.data.length === b.data.length &&
  a.data.every((v, i) => Object.is(v, b.data[i]));

/** The `OnnxContext` an op's lowering gets for `node`. */
export function loweringContext(state: LoweringState, node: IRNode): OnnxContext {
  const { builder } = state;
  const inputs = node.inputs.map((id) => state.nodes.get(id)!.shape);
  // A node sharing weights reads its owner's.
  const owner = node.shares === undefined ? node : state.nodes.get(node.shares)!;
  const named = (suffix: string | undefined): string =>
    suffix === undefined ? node.name : `${node.name}/${suffix}`;
  const input = (i: number): OnnxValue => {
    const v = state.values.get(node.inputs[i]);
    if (!v) throw new Error(`node ${node.name} has no input ${i} lowered before it`);
    return v;
  };
  return {
    name: node.name,
    attrs: node.attrs,
    inputs,
    output: node.shape,
    opset: state.opset,
    input,
    inputAs(i, layout) {
      const v = input(i);
      const rank = inputs[i].length;
      const target = effectiveLayout(rank, layout);
      if (v.layout === target) return v.name;
      const key = `${v.name}\0${target}`;
      let name = state.transposed.get(key);
      if (name === undefined) {
        const perm = layoutPerm(rank, v.layout, target);
        name = builder.node('Transpose', [v.name], { perm }, `${v.name}/${target}`);
        state.transposed.set(key, name);
      }
      return name;
    },
    graphInput() {
      const name = state.graphInputs.get(node.id);
      if (name === undefined) throw new Error(`node ${node.name} is not a model input`);
      return { name, layout: 'channels_last' };
    },
    node: (opType, ins, attrs = {}, suffix) => builder.node(opType, ins, attrs, named(suffix)),
    nodeOutputs: (opType, ins, attrs, suffixes) =>
      builder.nodeOutputs(opType, ins, attrs, suffixes.map(named)),
    weight(name) {
      const key = weightKey(owner.name, name);
      const w = state.weights.get(key);
      if (!w) throw new Error(`no weight ${key}`);
      return w;
    },
    constant(suffix, value) {
      // Keyed by the weights' owner, so that the applications of a shared layer hold one copy.
      const key = `${owner.name}\0${suffix ?? ''}`;
      const made = state.constants.get(key) ?? [];
      const same = made.find((c) => sameArray(c.value, value));
      if (same) return same.name;
      const name = builder.floatInitializer(named(suffix), value);
      state.constants.set(key, [...made, { name, value }]);
      return name;
    },
    int64s: (suffix, values) => builder.int64Initializer(named(suffix), values),
  };
}
