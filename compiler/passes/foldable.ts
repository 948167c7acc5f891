import type { LinearSpec } from '../ops/op.js';
import { getOp } from '../ops/registry.js';
import type { EditNode, GraphEditor } from './graph-editor.js';
import type { Pass, PassContext } from './pass.js';

/**
 * How op `op` is a linear producer (ends in `+ bias` then a fused `activation`, so BN, scale
 * and activations fold into it), as the op declares (`OpDef.linear`); undefined otherwise.
 */
export function linearSpec(op: string): LinearSpec | undefined {
  return getOp(op)?.linear;
}

/** The linear spec of a fold target (`foldTarget` only returns linear producers). */
export function targetLinear(op: string): LinearSpec {
  const spec = linearSpec(op);
  if (!spec) throw new Error(`op '${op}' is not a linear producer`);
  return spec;
}

/**
 * The linear producer that `node` may be folded into: its single input, a conv or dense with no
 * activation yet, whose value nothing else reads (so changing it changes nothing else), neither
 * of them sharing weights.
 */
export function foldTarget(graph: GraphEditor, node: EditNode): EditNode | undefined {
  if (node.inputs.length !== 1 || graph.isShared(node.id)) return undefined;
  const p = graph.node(node.inputs[0]);
  if (graph.isShared(p.id)) return undefined;
  if (!linearSpec(p.op) || p.attrs.activation !== 'linear') return undefined;
  return graph.onlyFeeds(p.id, node.id) ? p : undefined;
}

/**
 * A pass that merges a node into the conv or dense before it (see `foldTarget`): `accepts`
 * picks the nodes, `fold` changes the target's attributes and records its weight edits; the
 * node is then removed and its readers read the target.
 */
export function foldingPass(spec: {
  readonly name: string;
  readonly doc: string;
  accepts(node: EditNode): boolean;
  fold(ctx: PassContext, node: EditNode, target: EditNode): void;
}): Pass {
  return {
    name: spec.name,
    doc: spec.doc,
    run(ctx) {
      let n = 0;
      for (const node of ctx.graph.all()) {
        if (!spec.accepts(node)) continue;
        const target = foldTarget(ctx.graph, node);
        if (!target) continue;
        spec.fold(ctx, node, target);
        ctx.graph.absorb(target.id, node.id);
        n++;
      }
      return n;
    },
  };
}
