import { weightKey, type GraphWeights, type WeightArray } from '../ir/weights.js';

/** Weights being rewritten by `foldWeights`: read, replace and delete by node and weight name. */
export class WeightTable {
  constructor(private readonly map: Map<string, WeightArray>) {}

  get(node: string, weight: string): WeightArray {
    const w = this.map.get(weightKey(node, weight));
    if (!w) throw new Error(`foldWeights: no weight ${weightKey(node, weight)}`);
    return w;
  }

  /** The weight, or undefined when the node has none of that name (a conv without bias). */
  find(node: string, weight: string): WeightArray | undefined {
    return this.map.get(weightKey(node, weight));
  }

  set(node: string, weight: string, value: WeightArray): void {
    this.map.set(weightKey(node, weight), value);
  }

  /** Drops a weight of a node a pass removed (absent ones are ignored). */
  remove(node: string, weight: string): void {
    this.map.delete(weightKey(node, weight));
  }
}

/** A weight rewrite a pass records while it edits the graph; replayed by `foldWeights`. */
export type WeightEdit = (weights: WeightTable) => void;

/** Applies recorded edits to a copy of `weights`; the input map is left as it was. */
export function applyWeightEdits(
  weights: GraphWeights,
  edits: readonly WeightEdit[],
): GraphWeights {
  const table = new Map(weights);
  const t = new WeightTable(table);
  for (const edit of edits) edit(t);
  return table;
}
