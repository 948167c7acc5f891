/**
 * What produces a model output: the op (or the fused `activation:` of a dense or conv layer)
 * that last transforms its values, looking through dropout, which is the identity outside
 * training. The training losses read it to tell probabilities (a softmax or sigmoid) from
 * logits.
 */
import type { Graph, GraphPort } from './graph.js';

/** The activation that produces an output's values, and the node it belongs to. */
export interface OutputActivation {
  /** `softmax` and `sigmoid` are named; anything else is `other`. */
  readonly kind: 'softmax' | 'sigmoid' | 'other';
  /** How the output is produced, for messages: `softmax`, `dense (activation "softmax")`, `dense`. */
  readonly producer: string;
}

/** Ops whose output equals their input at inference (and in shape always). */
const PASS_THROUGH = new Set(['dropout']);

/** A softmax counts only over the last axis (the class axis of the losses); netc axes skip the batch. */
function lastAxis(attrs: Readonly<Record<string, unknown>>, rank: number): boolean {
  const axis = attrs.axis;
  return axis === undefined || axis === -1 || axis === rank - 1;
}

/** The activation producing `port`'s values (see `OutputActivation`). */
export function outputActivation(graph: Graph, port: GraphPort): OutputActivation {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  let node = byId.get(port.node);
  while (node && PASS_THROUGH.has(node.op) && node.inputs.length === 1) {
    node = byId.get(node.inputs[0]);
  }
  if (!node) return { kind: 'other', producer: 'an unknown node' };
  if (node.op === 'softmax') {
    const ok = lastAxis(node.attrs, node.shape.length);
    return {
      kind: ok ? 'softmax' : 'other',
      producer: ok ? 'softmax' : 'softmax (not on the last axis)',
    };
  }
  if (node.op === 'sigmoid') return { kind: 'sigmoid', producer: 'sigmoid' };
  const fused = node.attrs.activation;
  if (fused === 'softmax' || fused === 'sigmoid') {
    return { kind: fused, producer: `${node.op} (activation "${fused}")` };
  }
  const suffix = typeof fused === 'string' && fused !== 'linear' ? ` (activation "${fused}")` : '';
  return { kind: 'other', producer: `${node.op}${suffix}` };
}
