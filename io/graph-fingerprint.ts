/**
 * A graph's fingerprint: what weight files record (`netc.fingerprint` in safetensors
 * `__metadata__` and in a tfjs `model.json`'s `userDefinedMetadata`) and what generated modules
 * compare before taking weights, so weights of another graph, or the unfolded weights of a graph
 * compiled with `--optimize`, are refused by name rather than by a wrong prediction.
 *
 * It is the first 16 hex digits of the SHA-256 of the graph's computation: every node's name,
 * op, inputs, attributes and output shape, and which nodes are the inputs and outputs with
 * their shapes (an input node is named after its port). Not the model's name, the outputs'
 * names, comments or formatting: the same source
 * gives the same fingerprint on every machine; the optimized graph (batch norm folded,
 * activations fused, dropout dropped) has its own.
 */
import { createHash } from 'node:crypto';
import type { Graph } from '../compiler/ir/graph.js';

/** The metadata key under which weight files record the fingerprint of their graph. */
export const FINGERPRINT_KEY = 'netc.fingerprint';

/** JSON with object keys sorted, so attribute order never changes the text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The fingerprint of `graph` (see the module comment): 16 lower-case hex digits. */
export function graphFingerprint(graph: Graph): string {
  const ports = (ps: Graph['inputs']) => ps.map((p) => [p.node, p.shape]);
  const text = canonical({
    version: 1,
    nodes: graph.nodes.map((n) => [n.id, n.name, n.op, n.inputs, n.attrs, n.shape]),
    inputs: ports(graph.inputs),
    outputs: ports(graph.outputs),
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** `metadata` with the graph's fingerprint added (replacing any recorded before). */
export function withFingerprint(
  graph: Graph,
  metadata: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...metadata, [FINGERPRINT_KEY]: graphFingerprint(graph) };
}
