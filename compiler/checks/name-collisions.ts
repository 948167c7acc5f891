import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Graph, IRNode } from '../ir/graph.js';
import { sanitizeName } from '../ir/layer-names.js';

/**
 * E4006 for two layers whose names sanitize to the same TensorFlow.js layer name (`a b` and
 * `a_b` are both `a_b`): the runtime, weights files and generated modules key layers by that
 * name, so one layer's weights would load into the other. Located at the second, with a note
 * at the first.
 */
export function nameCollisions(graph: Graph): Diagnostic[] {
  const first = new Map<string, IRNode>();
  const out: Diagnostic[] = [];
  for (const node of graph.nodes) {
    const key = sanitizeName(node.name);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, node);
      continue;
    }
    out.push({
      severity: 'error',
      code: 'E4006',
      message:
        `layer names '${earlier.name}' and '${node.name}' are both '${key}' as TensorFlow.js ` +
        `layer names, so their weights would be confused: rename one`,
      span: node.span,
      notes: [{ message: `'${earlier.name}' is defined here`, span: earlier.span }],
      expansion: node.expansion,
    });
  }
  return out;
}
