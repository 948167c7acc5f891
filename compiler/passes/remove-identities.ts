import { getOp } from '../ops/registry.js';
import type { EditNode } from './graph-editor.js';
import type { Pass } from './pass.js';

/**
 * True when `node` computes exactly its (only) input at inference, whatever the values: the
 * node's op says so (`OpDef.isIdentity`), from its attributes and shapes.
 */
export function isIdentity(node: EditNode, input: EditNode | undefined): boolean {
  const op = getOp(node.op);
  if (!op?.isIdentity || input === undefined) return false;
  return op.isIdentity(node.attrs, [input.shape], node.shape);
}

/** Ops that compute their input unchanged: padding by 0, 1x1 pools, one-operand merges... */
export const removeIdentities: Pass = {
  name: 'remove-identities',
  doc: 'Removes ops that return their input unchanged (zero padding by 0, a 1x1 stride-1 pool, a one-operand add or concat, reshape to the same shape, scale by 1...).',
  run({ graph }) {
    let n = 0;
    for (const node of graph.all()) {
      if (node.inputs.length !== 1 || graph.isPort(node.id)) continue;
      const input = graph.node(node.inputs[0]);
      if (!isIdentity(node, input)) continue;
      graph.bypass(node.id, input.id);
      n++;
    }
    return n;
  },
};
