/**
 * `return_state: true` on a recurrent op (issue 14): the node's value holds the output and the
 * final states end to end; the lowering returns them as a list of slice layers, to destructure
 * (`out, h, c = lstm(x, 64, return_state: true)`).
 */
import type { Attrs } from '../ops/op.js';
import { GATES, stateParts, type CellKind, type RecurrentAttrs } from '../ops/recurrent.js';

/** A `return_state` recurrent node's parts (`[start, stop)` of its value), else null. */
export function stateSlices(op: string, attrs: Attrs): [number, number][] | null {
  if (!Object.hasOwn(GATES, op) || attrs.return_state !== true) return null;
  return stateParts(op as CellKind, attrs as unknown as RecurrentAttrs);
}
