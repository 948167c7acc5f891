import type { EditNode, GraphEditor } from './graph-editor.js';
import type { Pass, PassContext } from './pass.js';

/** Ops that end in `+ bias` then a fused `activation`: BN, scale and activations fold into them. */
export const LINEAR_PRODUCERS: ReadonlySet<string> = new Set([
  'conv1d',
  'conv2d',
  'depthwise_conv2d',
  'separable_conv2d',
  'dense',
]);

/** The weight whose last axes index the output channels of a linear producer. */
export const outputKernel = (op: string): string =>
  op === 'separable_conv2d'
    ? 'pointwise_kernel'
    : op === 'depthwise_conv2d'
      ? 'depthwise_kernel'
      : 'kernel';

/**
 * The linear producer that `node` may be folded into: its single input, a conv or dense with no
 * activation yet, whose value nothing else reads (so changing it changes nothing else).
 */
export function foldTarget(graph: GraphEditor, node: EditNode): EditNode | undefined {
  if (node.inputs.length !== 1) return undefined;
  const p = graph.node(node.inputs[0]);
  if (!LINEAR_PRODUCERS.has(p.op) || p.attrs.activation !== 'linear') return undefined;
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
