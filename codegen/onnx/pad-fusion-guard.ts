import type { Dim } from '../../compiler/ir/shape.js';
import { attribute } from './attributes.js';
import type { OnnxProto } from './proto.js';

const POOLS = new Set(['MaxPool', 'AveragePool']);

/** TensorFlow's (and ONNX's `SAME_UPPER`) padding of one axis: the odd one goes after. */
function sameUpper(n: Dim, kernel: number, stride: number): [number, number] | null {
  let total: number;
  if (typeof n === 'number') total = Math.max((Math.ceil(n / stride) - 1) * stride + kernel - n, 0);
  else if (stride === 1) total = kernel - 1;
  else return null;
  const before = Math.floor(total / 2);
  return [before, total - before];
}

const ints = (node: OnnxProto.INodeProto, name: string): number[] | undefined => {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? (a.ints ?? []).map(Number) : undefined;
};

/**
 * Keeps ONNX Runtime from fusing a zero `Pad` into the `MaxPool` or `AveragePool` that reads it.
 * Its PadFusion rewrite (onnxruntime/core/optimizer/pad_fusion.cc, a level-1 optimization, so on
 * in a plain InferenceSession) adds the Pad's amounts to the pool's `pads`, which changes the
 * result: a max pool pads with -inf, not 0 (a window of negative values then loses its zeros),
 * and pads as large as the window are refused ("Pad should be smaller than kernel"). In every
 * version the rewrite requires the child to use explicit padding: it gives up when the child's
 * `auto_pad` is set to anything but NOTSET. So a pool that reads a Pad gets `auto_pad: VALID`
 * for zero padding and `SAME_UPPER` for its "same" padding, which is exactly TensorFlow's and
 * so equals the explicit pads it replaces (checked here), instead of `pads`. Nothing is added
 * to the graph. Conv is left alone: it pads with zeros, so the fused form is exact.
 *
 * `spatial(tensor)` gives the spatial dims of a tensor (netc's shape without the channel axis),
 * when the tensor is a netc node's value. Returns the number of pools rewritten.
 */
export function guardPadFusion(
  nodes: readonly OnnxProto.INodeProto[],
  spatial: (tensor: string) => readonly Dim[] | undefined,
): number {
  const padded = new Set(nodes.filter((n) => n.opType === 'Pad').map((n) => n.output![0]));
  let rewritten = 0;
  for (const node of nodes) {
    if (!POOLS.has(node.opType!) || !padded.has(node.input![0])) continue;
    const pads = ints(node, 'pads');
    if (!pads) continue;
    const attrs = (node.attribute ?? []).filter((a) => a.name !== 'pads');
    if (pads.every((p) => p === 0)) attrs.push(attribute('auto_pad', 'VALID'));
    else {
      const kernel = ints(node, 'kernel_shape')!;
      const strides = ints(node, 'strides') ?? kernel.map(() => 1);
      const dims = spatial(node.input![0]);
      const rank = kernel.length;
      const same = kernel.map((k, i) => sameUpper(dims?.[i] ?? null, k, strides[i]));
      const matches = same.every((p, i) => p && p[0] === pads[i] && p[1] === pads[i + rank]);
      // Pools pad only as "valid" or TensorFlow's "same": anything else is a lowering bug.
      if (!matches)
        throw new Error(`pool ${node.name} has pads [${pads.join(', ')}], not SAME_UPPER`);
      attrs.push(attribute('auto_pad', 'SAME_UPPER'));
    }
    node.attribute = attrs;
    rewritten++;
  }
  return rewritten;
}
