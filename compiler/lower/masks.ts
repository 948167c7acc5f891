/**
 * Keras' implicit masks (issue 14): a recurrent op whose sequence comes from
 * `embedding(mask_zero: true)` or `masking`, directly or through layers that keep the steps and
 * pass a mask on in Keras (dropout, activations, dense, normalization, a recurrent layer with
 * `return_sequences` that read a mask), gets a `step_mask` node as its second input. One
 * `step_mask` per source: the recurrent layers of a stack read the same node.
 */
import type { IRNode } from '../ir/graph.js';
import { activationOps } from '../ops/activations.js';
import { GATES } from '../ops/recurrent.js';
import type { Shape } from '../ir/shape.js';

/** The ops whose output steps are their input's, and which pass a mask on (Keras' `supports_masking`). */
const PASSES_MASK: ReadonlySet<string> = new Set([
  'dropout',
  'spatial_dropout1d',
  'dense',
  'layer_norm',
  'batch_norm',
  ...activationOps.map((op) => op.name),
]);

const isRecurrent = (op: string): boolean => Object.hasOwn(GATES, op);

/** Where the mask of node `id`'s value comes from: a `step_mask` to make, one already made, or none. */
function maskOrigin(
  nodes: readonly IRNode[],
  id: number,
): { source: number; value: number } | { mask: number } | undefined {
  for (let n = nodes[id]; ; n = nodes[n.inputs[0]]) {
    if (n.op === 'embedding') {
      const ids = n.inputs[0];
      return n.attrs.mask_zero === true && nodes[ids].shape.length === 1
        ? { source: ids, value: 0 }
        : undefined;
    }
    if (n.op === 'masking') return { source: n.inputs[0], value: n.attrs.mask_value as number };
    if (isRecurrent(n.op)) {
      // Its mask is the input after the sequence and the initial states.
      const at = 1 + ((n.attrs.initial_state as number | null) ?? 0);
      return n.attrs.return_sequences === true && n.inputs.length > at
        ? { mask: n.inputs[at] }
        : undefined;
    }
    if (!PASSES_MASK.has(n.op) || n.inputs.length !== 1 || n.shape.length !== 2) return undefined;
  }
}

/** A recurrent op's mask: a node that already holds it, or the `step_mask` to add. */
export type MaskPlan =
  | { readonly node: number; readonly shape: Shape }
  | { readonly source: number; readonly value: number; readonly shape: Shape };

/** The mask a recurrent op `op` applied to node `input` reads, when its sequence carries one. */
export function implicitMask(nodes: readonly IRNode[], op: string, input: number): MaskPlan | null {
  if (!isRecurrent(op)) return null;
  const origin = maskOrigin(nodes, input);
  if (!origin) return null;
  if ('mask' in origin) return { node: origin.mask, shape: nodes[origin.mask].shape };
  const made = nodes.find(
    (n) =>
      n.op === 'step_mask' && n.inputs[0] === origin.source && n.attrs.mask_value === origin.value,
  );
  if (made) return { node: made.id, shape: made.shape };
  return { ...origin, shape: [nodes[origin.source].shape[0]] };
}
