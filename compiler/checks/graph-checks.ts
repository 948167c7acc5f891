import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import type { Graph } from '../ir/graph.js';
import { nameCollisions } from './name-collisions.js';
import { pruneUnreachable } from './unreachable.js';
import { weightLimits } from './weight-limits.js';

/**
 * Checks of a lowered model as a whole, run by `checkSource` after lowering: layers that reach
 * no output are dropped (W0003), then layer-name collisions (E4006) and weight memory (E4005)
 * are checked on what is built. Returns the graph everything downstream uses (summary, weights
 * files, runtime, codegen, ONNX), or undefined when it has errors.
 */
export function checkGraph(graph: Graph, bag: DiagnosticBag): Graph | undefined {
  const pruned = pruneUnreachable(graph);
  for (const d of pruned.warnings) bag.add(d);
  const errors = [...nameCollisions(pruned.graph), ...weightLimits(pruned.graph)];
  for (const d of errors) bag.add(d);
  return errors.length > 0 ? undefined : pruned.graph;
}
