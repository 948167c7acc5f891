/**
 * `return_state: true` on a recurrent op (issue 14): the node's value holds the output and the
 * final states end to end; the lowering returns them as a list of slice layers, to destructure
 * (`out, h, c = lstm(x, 64, return_state: true)`).
 */
import type { Attrs } from '../ops/op.js';
import { GATES, stateParts, type CellKind, type RecurrentAttrs } from '../ops/recurrent.js';

/**
 * A `return_state` recurrent node's parts, `[start, stop)` of its value's last axis (the
 * output first), and whether the value has steps (`return_sequences`: the states are then
 * repeated at every step, and each is read from the last one); else null.
 */
export function stateSlices(
  op: string,
  attrs: Attrs,
): { parts: [number, number][]; steps: boolean } | null {
  if (!Object.hasOwn(GATES, op) || attrs.return_state !== true) return null;
  const parts = stateParts(op as CellKind, attrs as unknown as RecurrentAttrs);
  return { parts, steps: attrs.return_sequences === true };
}
