import { renumbered, type Graph, type GraphPort, type IRNode } from '../ir/graph.js';
import type { Shape } from '../ir/shape.js';
import type { AttrValue } from '../ops/op.js';

/** A node being rewritten: like `IRNode`, with attributes and inputs that passes may change. */
export interface EditNode extends Omit<IRNode, 'attrs' | 'inputs' | 'shape'> {
  attrs: Record<string, AttrValue>;
  inputs: number[];
  shape: Shape;
}

interface EditPort {
  readonly name: string;
  node: number;
  readonly shape: Shape;
}

/**
 * A mutable copy of a graph for rewriting passes. Nodes keep their ids while passes run (the
 * weights of a node stay keyed by its name); `toGraph()` drops removed nodes and renumbers the
 * rest so that, as in every graph, a node's id is its index in `nodes`.
 */
export class GraphEditor {
  private readonly nodes = new Map<number, EditNode>();
  private readonly outputs: EditPort[];
  /** Who reads each node, kept up to date by every edit: passes stay linear in graph size. */
  private readonly readers = new Map<number, number[]>();
  private readonly portNodes = new Set<number>();
  /** Nodes whose weights other nodes share, and the nodes sharing them. */
  private readonly sharing = new Set<number>();

  constructor(private readonly graph: Graph) {
    for (const n of graph.nodes) {
      this.nodes.set(n.id, { ...n, attrs: { ...n.attrs }, inputs: [...n.inputs] });
    }
    this.outputs = graph.outputs.map((p) => ({ ...p }));
    for (const n of graph.nodes) for (const i of n.inputs) this.addReader(i, n.id);
    for (const p of [...graph.inputs, ...graph.outputs]) this.portNodes.add(p.node);
    for (const n of graph.nodes) {
      if (n.shares === undefined) continue;
      this.sharing.add(n.id);
      this.sharing.add(n.shares);
    }
  }

  /**
   * True when `id` shares weights or lends them (`IRNode.shares`): its layer is applied more
   * than once, so folding into it, or it into another, would change the other applications.
   */
  isShared(id: number): boolean {
    return this.sharing.has(id);
  }

  private addReader(id: number, reader: number): void {
    const list = this.readers.get(id);
    if (list) list.push(reader);
    else this.readers.set(id, [reader]);
  }

  /** Live nodes in topological order. */
  all(): EditNode[] {
    return [...this.nodes.values()];
  }

  node(id: number): EditNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`internal error: node ${id} was removed`);
    return n;
  }

  /** The ids of the nodes that read `id`, once per reading input. */
  consumers(id: number): readonly number[] {
    return this.readers.get(id) ?? [];
  }

  /** True when a graph output or graph input is this node. */
  isPort(id: number): boolean {
    return this.outputs.some((p) => p.node === id) || this.graph.inputs.some((p) => p.node === id);
  }

  /**
   * True when `id`'s value is used only by `consumer` (one edge) and is not a graph port: then
   * the two nodes can be merged into one without changing any other value.
   */
  onlyFeeds(id: number, consumer: number): boolean {
    const c = this.consumers(id);
    return c.length === 1 && c[0] === consumer && !this.isPort(id);
  }

  /** Removes `id`, whose readers (nodes and output ports) now read `by` instead. */
  bypass(id: number, by: number): void {
    const removed = this.node(id);
    for (const i of removed.inputs) {
      this.readers.set(
        i,
        this.consumers(i).filter((r) => r !== id),
      );
    }
    for (const r of this.consumers(id)) {
      const reader = this.node(r);
      reader.inputs = reader.inputs.map((i) => (i === id ? by : i));
      this.addReader(by, r);
    }
    if (this.portNodes.has(id)) {
      for (const p of this.outputs) if (p.node === id) p.node = by;
      this.portNodes.delete(id);
      this.portNodes.add(by);
    }
    this.readers.delete(id);
    this.nodes.delete(id);
  }

  /** Removes `id`, whose value `into` now computes: `into` takes its readers and its shape. */
  absorb(into: number, id: number): void {
    const target = this.node(into);
    target.shape = this.node(id).shape;
    this.bypass(id, into);
  }

  toGraph(): Graph {
    const live = [...this.nodes.values()];
    const index = new Map(live.map((n, i) => [n.id, i]));
    const nodes: IRNode[] = live.map((n, i) => renumbered(n, i, index));
    const port = (p: GraphPort | EditPort): GraphPort => ({ ...p, node: index.get(p.node)! });
    return {
      ...this.graph,
      inputs: this.graph.inputs.map(port),
      outputs: this.outputs.map(port),
      nodes,
    };
  }
}
