import type { Span } from '../source.js';
import type { ExpansionFrame } from '../diagnostics/diagnostic.js';
import type { AttrValue } from './attrs.js';
import type { Shape } from './shape.js';

/** The block instances enclosing a node, outermost first: `[{name:'stage1', block:'bottleneck'}]`. */
export interface ScopeEntry {
  readonly name: string;
  readonly block: string;
  /** `bottleneck(filters=256, stride=2)` */
  readonly call: string;
}

/** One primitive op application. Nodes are stored in topological order. */
export interface IRNode {
  readonly id: number;
  /** Hierarchical, unique within the graph: `stage1.block0.conv2d_1`. */
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly number[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly shape: Shape;
  readonly scope: readonly ScopeEntry[];
  readonly span: Span;
  readonly expansion: readonly ExpansionFrame[];
  /**
   * The node whose weights this one uses (`shares:` in the source): the same layer applied
   * again. The owner holds the weights and never shares itself; a sharing node has none.
   */
  readonly shares?: number;
}

export interface GraphPort {
  readonly name: string;
  readonly node: number;
  readonly shape: Shape;
}

/** `node` as node `id` of a graph whose ids changed (`ids`: old id -> new, for its inputs and owner). */
export function renumbered(node: IRNode, id: number, ids: ReadonlyMap<number, number>): IRNode {
  const inputs = node.inputs.map((i) => ids.get(i)!);
  return node.shares === undefined
    ? { ...node, id, inputs }
    : { ...node, id, inputs, shares: ids.get(node.shares)! };
}

/** A lowered model: a DAG of primitive ops with inferred shapes. */
export interface Graph {
  readonly name: string;
  readonly span: Span;
  readonly inputs: readonly GraphPort[];
  readonly outputs: readonly GraphPort[];
  readonly nodes: readonly IRNode[];
}
