import { checkSource } from '../../../compiler/compile.js';
import type { Graph } from '../../../compiler/ir/graph.js';
import { weightKey, type GraphWeights, type WeightArray } from '../../../compiler/ir/weights.js';
import { Source } from '../../../compiler/source.js';

/** The one model of a `.net` text (std imports allowed). */
export function graphOfText(text: string): Graph {
  const r = checkSource(new Source('/passes/test.net', text));
  if (!r.ok || r.graphs.length !== 1) {
    throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  }
  return r.graphs[0];
}

/** The ops of a graph in order, without the inputs. */
export const opsOf = (g: Graph): string[] =>
  g.nodes.filter((n) => n.op !== 'input').map((n) => n.op);

export const arr = (shape: number[], values: number[]): WeightArray => ({
  shape,
  data: Float32Array.from(values),
});

export function weights(entries: Record<string, WeightArray>): GraphWeights {
  return new Map(Object.entries(entries));
}

export const get = (w: GraphWeights, node: string, name: string): number[] => [
  ...w.get(weightKey(node, name))!.data,
];
