import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renumbered, type Graph, type IRNode } from '../ir/graph.js';
import { getOp } from '../ops/registry.js';
import { weightValues } from './weight-limits.js';

/** Ids of the nodes some output depends on, plus every model input (inputs are always built). */
function liveNodes(graph: Graph): Set<number> {
  const live = new Set<number>();
  const stack = graph.outputs.map((p) => p.node);
  while (stack.length) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    const node = graph.nodes[id];
    for (const i of node.inputs) stack.push(i);
    // The owner of shared weights is built with the layer that applies them again.
    if (node.shares !== undefined) stack.push(node.shares);
  }
  for (const p of graph.inputs) live.add(p.node);
  return live;
}

function weightCount(graph: Graph, node: IRNode): bigint {
  const op = getOp(node.op);
  if (!op || node.shares !== undefined) return 0n;
  const shapes = node.inputs.map((i) => graph.nodes[i].shape);
  return op.weights(shapes, node.attrs).reduce((n, w) => n + weightValues(w.shape), 0n);
}

export interface Pruned {
  /** The graph without the dead nodes (ids renumbered, order kept); the input graph when none. */
  readonly graph: Graph;
  /** One W0003 per dead end: a dead node no other dead node reads. */
  readonly warnings: readonly Diagnostic[];
}

/**
 * Drops the layers that reach no output, which TensorFlow.js (a model built from its inputs to
 * its outputs), the generated modules and the ONNX export never build, so that summaries,
 * parameter counts and weights files count exactly what is built. Warns (W0003) at each dead
 * end, naming it.
 */
export function pruneUnreachable(graph: Graph): Pruned {
  const live = liveNodes(graph);
  if (live.size === graph.nodes.length) return { graph, warnings: [] };
  const dead = graph.nodes.filter((n) => !live.has(n.id));
  const readByDead = new Set(dead.flatMap((n) => n.inputs));
  const params = dead.reduce((s, n) => s + weightCount(graph, n), 0n);
  const all =
    dead.length > 1
      ? [
          {
            message: `${dead.length} layers of '${graph.name}' reach no output, with ${params.toLocaleString('en-US')} params in all`,
          },
        ]
      : [];
  const warnings = dead
    .filter((n) => !readByDead.has(n.id))
    .map((n): Diagnostic => ({
      severity: 'warning',
      code: 'W0003',
      message:
        `layer '${n.name}' (${n.op}) reaches no output of model '${graph.name}': it is not ` +
        `built, and its weights are neither counted nor saved`,
      span: n.span,
      notes: all,
      expansion: n.expansion,
    }));
  const renumber = new Map<number, number>();
  const nodes: IRNode[] = [];
  for (const n of graph.nodes) {
    if (!live.has(n.id)) continue;
    renumber.set(n.id, nodes.length);
    nodes.push(renumbered(n, nodes.length, renumber));
  }
  const port = <P extends { node: number }>(p: P): P => ({ ...p, node: renumber.get(p.node)! });
  return {
    graph: {
      ...graph,
      inputs: graph.inputs.map(port),
      outputs: graph.outputs.map(port),
      nodes,
    },
    warnings,
  };
}
