import type { EditNode } from './graph-editor.js';
import type { AttrValue } from '../ops/op.js';
import type { Pass } from './pass.js';

const flat = (v: AttrValue): AttrValue[] =>
  Array.isArray(v) ? (v as AttrValue[]).flatMap(flat) : [v];
const allEqual = (v: AttrValue, x: number): boolean => flat(v).every((e) => e === x);
const sameShape = (a: EditNode['shape'], b: EditNode['shape']): boolean =>
  a.length === b.length && a.every((d, i) => typeof d === 'number' && d === b[i]);

/** True when `node` computes exactly its (only) input at inference, whatever the values. */
export function isIdentity(node: EditNode, input: EditNode | undefined): boolean {
  const a = node.attrs;
  switch (node.op) {
    case 'add':
    case 'multiply':
    case 'concat':
      return node.inputs.length === 1;
    case 'zero_pad1d':
    case 'zero_pad2d':
      return allEqual(a.padding, 0);
    case 'scale':
      return a.factor === 1;
    case 'upsampling2d':
      return allEqual(a.size, 1);
    case 'max_pool1d':
    case 'max_pool2d':
    case 'avg_pool1d':
    case 'avg_pool2d':
      return allEqual(a.pool_size, 1) && (a.stride === null || allEqual(a.stride, 1));
    case 'permute':
      return flat(a.dims).every((d, i) => d === i);
    case 'zero_pad_channels':
    case 'reshape':
    case 'flatten':
      // Same known shape in, same out: nothing moves (row-major order is kept by both).
      return input !== undefined && sameShape(input.shape, node.shape);
    default:
      return false;
  }
}

/** Ops that compute their input unchanged: padding by 0, 1x1 pools, one-operand merges... */
export const removeIdentities: Pass = {
  name: 'remove-identities',
  doc: 'Removes ops that return their input unchanged (zero padding by 0, a 1x1 stride-1 pool, a one-operand add or concat, reshape to the same shape, scale by 1...).',
  run({ graph }) {
    let n = 0;
    for (const node of graph.all()) {
      if (node.inputs.length !== 1 || graph.isPort(node.id)) continue;
      const input = graph.node(node.inputs[0]);
      if (!isIdentity(node, input)) continue;
      graph.bypass(node.id, input.id);
      n++;
    }
    return n;
  },
};
