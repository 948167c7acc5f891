import { getOp } from '../ops/registry.js';
import { activationNames } from '../ops/activations.js';
import type { EditNode } from './graph-editor.js';
import { foldingPass } from './foldable.js';

const fusable = new Set<string>(activationNames.filter((a) => a !== 'linear'));

/** True when every argument of the activation op has its default (elu alpha 1, softmax axis -1...). */
function plainActivation(node: EditNode): boolean {
  const op = getOp(node.op);
  if (!op || !fusable.has(node.op)) return false;
  return op.params.every((p) => JSON.stringify(node.attrs[p.name]) === JSON.stringify(p.default));
}

/**
 * An activation op right after a conv or dense becomes that op's `activation` argument: one
 * kernel (tfjs's fused conv / matmul with bias and activation) instead of two.
 */
export const fuseActivation = foldingPass({
  name: 'fuse-activation',
  doc: 'Fuses an activation into the conv or dense before it (`activation` argument).',
  accepts: plainActivation,
  fold(_ctx, node, target) {
    target.attrs.activation = node.op;
  },
});
