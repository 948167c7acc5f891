import type { LayerApplication } from './op.js';
import type { Graph, IRNode } from '../ir/graph.js';

/** The nodes that share each owner's weights, per graph (computed once). */
const sharersCache = new WeakMap<Graph, Map<number, IRNode[]>>();

function sharersOf(graph: Graph): Map<number, IRNode[]> {
  let m = sharersCache.get(graph);
  if (!m) {
    m = new Map();
    for (const n of graph.nodes) {
      if (n.shares !== undefined) m.set(n.shares, [...(m.get(n.shares) ?? []), n]);
    }
    sharersCache.set(graph, m);
  }
  return m;
}

/**
 * `applications` for the tfjs lowering of a node that others share (`shares:`): its own and
 * theirs, with their input shapes, in graph order; nothing for a node applied once. The
 * interpreter and the code generator both pass it, so that they build the same layer.
 */
export function applicationsOf(graph: Graph, node: IRNode): { applications?: LayerApplication[] } {
  const sharers = sharersOf(graph).get(node.id);
  if (!sharers) return {};
  const shapes = new Map(graph.nodes.map((n) => [n.id, n.shape]));
  return {
    applications: [node, ...sharers].map((n) => ({
      attrs: n.attrs,
      inputs: n.inputs.map((i) => shapes.get(i)!),
    })),
  };
}
