/**
 * A stable, readable text dump of a lowered graph: its ports, then one line per node in
 * topological order with the node's name, op, inputs (by name), output shape and attributes.
 * Source locations are left out, so the dump changes only when the graph does.
 */
import type { AttrValue } from './attrs.js';
import type { Graph, IRNode } from './graph.js';
import { formatShape } from './shape.js';

/** `3`, `true`, `"same"`, `null`, `[3, 3]` */
export function formatAttrValue(v: AttrValue): string {
  if (Array.isArray(v)) return `[${v.map(formatAttrValue).join(', ')}]`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * `conv2d_0 = conv2d(image) -> [24, 24, 6]  filters=6 kernel_size=[5, 5]`, and last
 * `shares=<owner>` for a node that shares another's weights.
 */
export function dumpNode(graph: Graph, node: IRNode): string {
  const inputs = node.inputs.map((i) => graph.nodes[i].name).join(', ');
  const attrs = Object.entries(node.attrs).map(([k, v]) => `${k}=${formatAttrValue(v)}`);
  const head = `${node.name} = ${node.op}(${inputs}) -> ${formatShape(node.shape)}`;
  if (node.shares !== undefined) attrs.push(`shares=${graph.nodes[node.shares].name}`);
  return attrs.length ? `${head}  ${attrs.join(' ')}` : head;
}

/**
 * The whole graph:
 *
 * ```text
 * model tiny
 * input x: [4] = x
 * output y: [2] = dense_0
 * x = input() -> [4]  shape=[4]
 * dense_0 = dense(x) -> [2]  units=2 activation="linear" bias=true
 * ```
 */
export function dumpGraph(graph: Graph): string {
  const port = (kind: string, p: Graph['inputs'][number]) =>
    `${kind} ${p.name}: ${formatShape(p.shape)} = ${graph.nodes[p.node].name}`;
  return [
    `model ${graph.name}`,
    ...graph.inputs.map((p) => port('input', p)),
    ...graph.outputs.map((p) => port('output', p)),
    ...graph.nodes.map((n) => dumpNode(graph, n)),
    '',
  ].join('\n');
}
