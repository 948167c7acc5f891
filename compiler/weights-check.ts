import type { Graph } from './ir/graph.js';
import { weightKey, type GraphWeights } from './ir/weights.js';
import { getOp } from './ops/registry.js';

/**
 * What is wrong with `weights` for `graph`: every weight the op registry declares must be there
 * with its exact shape, and nothing else. One line per problem; empty when they fit.
 */
export function weightProblems(graph: Graph, weights: GraphWeights): string[] {
  const shapes = new Map(graph.nodes.map((n) => [n.id, n.shape]));
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const node of graph.nodes) {
    const op = getOp(node.op);
    if (!op) continue;
    const specs = op.weights(
      node.inputs.map((i) => shapes.get(i)!),
      node.attrs,
    );
    for (const spec of specs) {
      const key = weightKey(node.name, spec.name);
      expected.add(key);
      const w = weights.get(key);
      const want = `[${spec.shape.join(', ')}]`;
      if (!w) problems.push(`missing ${key} ${want}`);
      else if (w.shape.join(',') !== spec.shape.join(',')) {
        problems.push(`${key}: expected ${want}, found [${w.shape.join(', ')}]`);
      } else if (w.data.length !== spec.shape.reduce((p, d) => p * d, 1)) {
        problems.push(`${key}: ${w.data.length} values for the shape ${want}`);
      }
    }
  }
  for (const key of weights.keys()) if (!expected.has(key)) problems.push(`unexpected ${key}`);
  return problems;
}
