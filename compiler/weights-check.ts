/**
 * The one check of a set of weights against a graph: every weight the op registry declares must
 * be there with its exact shape (and as many values), and nothing else. `compareWeights` gives
 * the problems in graph order; `weightProblems` one line each (ONNX export's message);
 * `WeightMismatchError` groups them by kind for files that do not fit (`netc run --weights`).
 */
import type { Graph, IRNode } from './ir/graph.js';
import { weightKey, type GraphWeights } from './ir/weights.js';
import type { WeightSpec } from './ops/op.js';
import { getOp } from './ops/registry.js';

/** A weight the graph needs: its IR key (`<node name>/<weight name>`), node and spec. */
export interface ExpectedWeight {
  readonly key: string;
  readonly node: IRNode;
  readonly spec: WeightSpec;
}

/**
 * Every weight of the graph, in node order and, within a node, in the op's declared order. A
 * node that shares another's weights (`IRNode.shares`) has none of its own.
 */
export function expectedWeights(graph: Graph): ExpectedWeight[] {
  const shapes = new Map(graph.nodes.map((n) => [n.id, n.shape]));
  const out: ExpectedWeight[] = [];
  for (const node of graph.nodes) {
    const op = getOp(node.op);
    if (!op || node.shares !== undefined) continue;
    const specs = op.weights(
      node.inputs.map((i) => shapes.get(i)!),
      node.attrs,
    );
    for (const spec of specs) out.push({ key: weightKey(node.name, spec.name), node, spec });
  }
  return out;
}

/** One way a set of weights does not fit a graph. */
export type WeightProblem =
  | { readonly kind: 'missing'; readonly key: string; readonly shape: readonly number[] }
  | {
      readonly kind: 'misshaped';
      readonly key: string;
      readonly expected: readonly number[];
      readonly found: readonly number[];
    }
  | {
      readonly kind: 'length';
      readonly key: string;
      readonly shape: readonly number[];
      readonly length: number;
    }
  | { readonly kind: 'unexpected'; readonly key: string };

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Every problem of `weights` for `graph`: the graph's weights in order, then unexpected keys. */
export function compareWeights(graph: Graph, weights: GraphWeights): WeightProblem[] {
  const problems: WeightProblem[] = [];
  const expected = new Set<string>();
  for (const { key, spec } of expectedWeights(graph)) {
    expected.add(key);
    const w = weights.get(key);
    if (!w) problems.push({ kind: 'missing', key, shape: spec.shape });
    else if (w.shape.join(',') !== spec.shape.join(',')) {
      problems.push({ kind: 'misshaped', key, expected: spec.shape, found: w.shape });
    } else if (w.data.length !== size(spec.shape)) {
      problems.push({ kind: 'length', key, shape: spec.shape, length: w.data.length });
    }
  }
  for (const key of weights.keys())
    if (!expected.has(key)) problems.push({ kind: 'unexpected', key });
  return problems;
}

/**
 * What is wrong with `weights` for `graph`, one line per problem (`missing d/bias [2]`,
 * `d/kernel: expected [3, 2], found [2, 3]`, `unexpected x/kernel`); empty when they fit.
 */
export function weightProblems(graph: Graph, weights: GraphWeights): string[] {
  return compareWeights(graph, weights).map((p) => {
    switch (p.kind) {
      case 'missing':
        return `missing ${p.key} ${shapeText(p.shape)}`;
      case 'misshaped':
        return `${p.key}: expected ${shapeText(p.expected)}, found ${shapeText(p.found)}`;
      case 'length':
        return `${p.key}: ${p.length} values for the shape ${shapeText(p.shape)}`;
      case 'unexpected':
        return `unexpected ${p.key}`;
    }
  });
}

/** How many names or lines a message lists before "and N more". */
export const LISTED = 10;

/** The longest name a message quotes whole; longer ones are cut to this and `…`. */
export const NAME_LENGTH = 80;

const cut = (item: string): string =>
  item.length <= NAME_LENGTH ? item : `${item.slice(0, NAME_LENGTH)}…`;

/**
 * The first `max` items (each cut to `NAME_LENGTH` characters), then `and 119,990 more` when
 * there are more: a list of any length makes a short message.
 */
export function summarize(items: readonly string[], max = LISTED): string[] {
  const shown = items.slice(0, max).map(cut);
  if (items.length <= max) return shown;
  return [...shown, `and ${(items.length - max).toLocaleString('en-US')} more`];
}

const listed = (items: readonly string[]): string[] => summarize(items);

/** Weights that do not fit a graph: every missing, unexpected and mis-shaped tensor. */
export class WeightMismatchError extends Error {
  override name = 'WeightMismatchError';
  /** IR keys of the graph's weights that are absent. */
  readonly missing: string[];
  /** Keys (as named in the source) that are no weight of the graph. */
  readonly unexpected: string[];
  readonly misshaped: { key: string; expected: number[]; found: number[] }[];
  readonly badLength: { key: string; shape: number[]; length: number }[];

  constructor(readonly problems: readonly WeightProblem[]) {
    const missing: string[] = [];
    const unexpected: string[] = [];
    const misshaped: { key: string; expected: number[]; found: number[] }[] = [];
    const badLength: { key: string; shape: number[]; length: number }[] = [];
    for (const p of problems) {
      if (p.kind === 'missing') missing.push(p.key);
      else if (p.kind === 'unexpected') unexpected.push(p.key);
      else if (p.kind === 'misshaped')
        misshaped.push({ key: p.key, expected: [...p.expected], found: [...p.found] });
      else badLength.push({ key: p.key, shape: [...p.shape], length: p.length });
    }
    const lines = ['weights do not match the model:'];
    if (missing.length > 0)
      lines.push(`  missing (${missing.length}): ${listed(missing).join(', ')}`);
    if (unexpected.length > 0)
      lines.push(`  unexpected (${unexpected.length}): ${listed(unexpected).join(', ')}`);
    const detail = [
      ...misshaped.map(
        (m) =>
          `wrong shape: ${m.key}: expected ${shapeText(m.expected)}, found ${shapeText(m.found)}`,
      ),
      ...badLength.map(
        (b) => `wrong data length: ${b.key}: shape ${shapeText(b.shape)} but ${b.length} values`,
      ),
    ];
    for (const line of listed(detail)) lines.push(`  ${line}`);
    super(lines.join('\n'));
    this.missing = missing;
    this.unexpected = unexpected;
    this.misshaped = misshaped;
    this.badLength = badLength;
  }
}

/** Throws `WeightMismatchError` unless `weights` fit `graph` exactly. */
export function checkWeights(graph: Graph, weights: GraphWeights): void {
  const problems = compareWeights(graph, weights);
  if (problems.length > 0) throw new WeightMismatchError(problems);
}
