import type { Graph, IRNode } from './ir/graph.js';
import type { Shape } from './ir/shape.js';
import { exactProduct } from './ops/attrs.js';
import { getOp } from './ops/registry.js';

export interface LayerRow {
  /** Hierarchical name; at a fold depth, the name of the folded block instance. */
  readonly name: string;
  /** The op, or `block:<name>` for a folded block. */
  readonly op: string;
  readonly outputShape: Shape;
  readonly params: number;
  readonly trainableParams: number;
  /** Exact; null when a needed dim is unknown. */
  readonly macs: bigint | null;
  readonly inputs: readonly string[];
  /** How many primitive nodes the row stands for (1 for a plain layer). */
  readonly nodes: number;
  /** The row (layer or folded instance) whose weights this one uses (`shares:`); its params are 0. */
  readonly shares?: string;
}

export interface ModelSummary {
  readonly model: string;
  readonly inputs: readonly { name: string; shape: Shape }[];
  readonly outputs: readonly { name: string; shape: Shape }[];
  readonly layers: readonly LayerRow[];
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /**
   * Multiply-accumulates for batch 1, exactly: a bigint, since large inputs pass 2^53 (which
   * params cannot: a model holds at most 2^30 weight values, E4005). Null when a dim is unknown.
   */
  readonly macs: bigint | null;
  /** float32 bytes of all weights. */
  readonly paramBytes: number;
  /** float32 bytes of every layer output for batch 1, exactly; null when a shape has unknown dims. */
  readonly activationBytes: bigint | null;
}

/**
 * How JSON carries an exact count: a number while it is a safe integer (at most 2^53 - 1, so
 * every JSON reader gets the right digits), else its decimal digits as a string.
 */
export function jsonCount(n: bigint): number | string;
export function jsonCount(n: bigint | null): number | string | null;
export function jsonCount(n: bigint | null): number | string | null {
  if (n === null) return null;
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n.toString();
}

/** Per-node params and MACs, from the op registry. */
export function nodeCost(
  graph: Graph,
  node: IRNode,
): { params: number; trainable: number; macs: bigint | null } {
  const op = getOp(node.op)!;
  const shapes = node.inputs.map((i) => graph.nodes[i].shape);
  let params = 0;
  let trainable = 0;
  // A node sharing another's weights holds none of its own: shared weights count once.
  const own = node.shares === undefined ? op.weights(shapes, node.attrs) : [];
  for (const w of own) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    params += n;
    if (w.trainable) trainable += n;
  }
  return { params, trainable, macs: op.macs(shapes, node.attrs, node.shape) };
}

const addMacs = (a: bigint | null, b: bigint | null): bigint | null =>
  a === null || b === null ? null : a + b;

/**
 * Summarise a graph. With `depth`, nodes inside block instances at nesting level `depth` or
 * deeper fold into one row per instance at that level (depth 1: one row per top-level block call).
 */
export function summarize(graph: Graph, depth = Infinity): ModelSummary {
  const rows: LayerRow[] = [];
  const rowOf = new Map<string, number>();
  let total = 0;
  let trainable = 0;
  let macs: bigint | null = 0n;
  let activations: bigint | null = 0n;
  const byId = (id: number): IRNode => graph.nodes[id];
  for (const node of graph.nodes) {
    const cost = nodeCost(graph, node);
    total += cost.params;
    trainable += cost.trainable;
    macs = addMacs(macs, cost.macs);
    const count = exactProduct(node.shape);
    activations = activations === null || count === null ? null : activations + count * 4n;
    const folded = node.scope.length >= depth;
    const key = folded
      ? node.scope
          .slice(0, depth)
          .map((s) => s.name)
          .join('.')
      : node.name;
    const outer = (id: number): string => {
      const n = byId(id);
      return n.scope.length >= depth
        ? n.scope
            .slice(0, depth)
            .map((s) => s.name)
            .join('.')
        : n.name;
    };
    const shares = node.shares === undefined ? {} : { shares: outer(node.shares) };
    const existing = rowOf.get(key);
    if (existing !== undefined) {
      const r = rows[existing];
      rows[existing] = {
        ...r,
        outputShape: node.shape,
        params: r.params + cost.params,
        trainableParams: r.trainableParams + cost.trainable,
        macs: addMacs(r.macs, cost.macs),
        nodes: r.nodes + 1,
        ...(r.shares === undefined ? shares : {}),
      };
      continue;
    }
    rowOf.set(key, rows.length);
    rows.push({
      name: key,
      op: folded ? `block:${node.scope[depth - 1].block}` : node.op,
      outputShape: node.shape,
      params: cost.params,
      trainableParams: cost.trainable,
      macs: cost.macs,
      inputs: node.inputs.map(outer),
      nodes: 1,
      ...shares,
    });
  }
  return {
    model: graph.name,
    inputs: graph.inputs.map((p) => ({ name: p.name, shape: p.shape })),
    outputs: graph.outputs.map((p) => ({ name: p.name, shape: p.shape })),
    layers: rows,
    totalParams: total,
    trainableParams: trainable,
    nonTrainableParams: total - trainable,
    macs,
    paramBytes: total * 4,
    activationBytes: activations,
  };
}
