/**
 * The PyTorch attention fixture (tests/fixtures/attention/attention.json, from generate.py
 * beside it): torch.nn.MultiheadAttention's outputs on small inputs, with its weights in Keras
 * MultiHeadAttention's layout, for netc's `multi_head_attention` (node `mha`).
 */
import { readFileSync } from 'node:fs';
import { checkSource } from '../../compiler/compile.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { weightKey, type GraphWeights } from '../../compiler/ir/weights.js';
import { Source } from '../../compiler/source.js';

/** An array as the fixture stores it: shape and row-major float32 values. */
export interface FixtureArray {
  readonly shape: number[];
  readonly data: number[];
}

export interface AttentionCase {
  readonly name: string;
  /** The netc model: its inputs in the order of `inputs`, one `multi_head_attention` named `mha`. */
  readonly source: string;
  readonly inputs: FixtureArray[];
  readonly weights: Record<string, FixtureArray>;
  /** PyTorch's output. */
  readonly output: FixtureArray;
}

export const attentionCases: readonly AttentionCase[] = (
  JSON.parse(
    readFileSync(new URL('../fixtures/attention/attention.json', import.meta.url), 'utf8'),
  ) as { cases: AttentionCase[] }
).cases;

/** The case's graph, which must compile. */
export function caseGraph(c: AttentionCase): Graph {
  const r = checkSource(new Source('attention.net', c.source));
  if (r.diagnostics.length > 0) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graphs[0];
}

/** The case's weights as `GraphWeights` of node `mha`. */
export function caseWeights(c: AttentionCase): GraphWeights {
  return new Map(
    Object.entries(c.weights).map(([name, w]) => [
      weightKey('mha', name),
      { shape: w.shape, data: Float32Array.from(w.data) },
    ]),
  );
}
