import type { ExpansionFrame } from '../diagnostics/diagnostic.js';
import type { IRNode, ScopeEntry } from '../ir/graph.js';
import type { Shape } from '../ir/shape.js';
import type { Attrs } from '../ops/op.js';
import type { Span } from '../source.js';

/** Accumulates IR nodes in topological order (a node is added after its inputs). */
export class GraphBuilder {
  readonly nodes: IRNode[] = [];
  private readonly byName = new Map<string, IRNode>();

  constructor(readonly maxNodes: number) {}

  get full(): boolean {
    return this.nodes.length >= this.maxNodes;
  }

  add(node: {
    name: string;
    op: string;
    inputs: readonly number[];
    attrs: Attrs;
    shape: Shape;
    scope: readonly ScopeEntry[];
    span: Span;
    expansion: readonly ExpansionFrame[];
    shares?: number;
  }): IRNode {
    const n: IRNode = { id: this.nodes.length, ...node };
    this.nodes.push(n);
    this.byName.set(n.name, n);
    return n;
  }

  /** The node of a full layer name, if one was added. */
  named(name: string): IRNode | undefined {
    return this.byName.get(name);
  }
}

/**
 * Names inside one block instance (or the model body): automatic `<callee>_<k>` names counted
 * per callee, and explicit `name:` names, all unique within the instance.
 */
export class NameScope {
  private readonly counters = new Map<string, number>();
  private readonly used = new Set<string>();

  /** An explicit name; returns false when it is already taken in this scope. */
  claim(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }

  /** The next free automatic name for a callee. */
  next(callee: string): string {
    let k = this.counters.get(callee) ?? 0;
    while (this.used.has(`${callee}_${k}`)) k++;
    this.counters.set(callee, k + 1);
    const name = `${callee}_${k}`;
    this.used.add(name);
    return name;
  }
}
