/**
 * The one model of a checked file: what `loadModel` and `netc run / train / init / summary`
 * need when a file may define several models.
 */
import type { Graph } from './ir/graph.js';

/** The graph, or why there is not exactly one (`none`: no model; `several`: choose one). */
export type PickedModel =
  | { readonly ok: true; readonly graph: Graph }
  | { readonly ok: false; readonly reason: 'none' | 'several'; readonly message: string };

/**
 * Picks the one model of a file that compiled (`graphs` of its `CheckResult`, where
 * `checkSource(..., { model })` has already kept only the model asked for, or reported an
 * unknown name as a located E1009). `how` is what tells the user to choose one (`--model NAME`,
 * `the 'model' option`).
 */
export function pickModel(
  result: { readonly graphs: readonly Graph[] },
  path: string,
  how = '--model NAME',
): PickedModel {
  const { graphs } = result;
  if (graphs.length === 1) return { ok: true, graph: graphs[0] };
  if (graphs.length === 0)
    return { ok: false, reason: 'none', message: `${path} defines no model` };
  const names = graphs.map((g) => g.name).join(', ');
  return {
    ok: false,
    reason: 'several',
    message: `${path} defines ${graphs.length} models (${names}); choose one with ${how}`,
  };
}
