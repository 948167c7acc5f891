import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Graph, IRNode } from '../ir/graph.js';
import { getOp } from '../ops/registry.js';

/**
 * The most values one weight tensor may hold: 2^29 (2 GiB as float32). TensorFlow.js runs on
 * its wasm backend, whose wasm32 memory is at most 4 GiB; it must hold a tensor together with
 * the result of one op on it (or its gradient in training).
 */
export const MAX_TENSOR_VALUES = 2n ** 29n;

/**
 * The most weight values one model may hold: 2^30 (4 GiB as float32), all that wasm32 memory
 * (4 GiB) and one Node.js buffer (2^32 bytes, `buffer.constants.MAX_LENGTH` in Node 20) can hold.
 */
export const MAX_MODEL_VALUES = 2n ** 30n;

const thousands = (n: bigint): string => n.toLocaleString('en-US');

/** `3.64 TiB`: float32 bytes of `values`, in binary units. */
export function float32Size(values: bigint): string {
  const bytes = values * 4n;
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let k = 0;
  while (k < units.length - 1 && bytes >= 1024n ** BigInt(k + 1)) k++;
  if (k === 0) return `${bytes} bytes`;
  const scaled = Number((bytes * 100n) / 1024n ** BigInt(k)) / 100;
  return `${scaled.toFixed(2)} ${units[k]}`;
}

/** Exact element count of a weight shape (its dims are safe integers; their product may not be). */
export const weightValues = (shape: readonly number[]): bigint =>
  shape.reduce((n, d) => n * BigInt(d), 1n);

function at(node: IRNode, message: string): Diagnostic {
  return {
    severity: 'error',
    code: 'E4005',
    message,
    span: node.span,
    notes: [],
    expansion: node.expansion,
  };
}

/**
 * E4005 on each layer whose one weight tensor is too large for the backends, and on the layer
 * that takes the model's weights past the model limit. Runs on the checked graph, from the
 * declared weight shapes only, so nothing is ever allocated for a model that cannot be held.
 */
export function weightLimits(graph: Graph): Diagnostic[] {
  const out: Diagnostic[] = [];
  let total = 0n;
  let reported = false;
  for (const node of graph.nodes) {
    const op = getOp(node.op);
    if (!op || node.shares !== undefined) continue;
    const specs = op.weights(
      node.inputs.map((i) => graph.nodes[i].shape),
      node.attrs,
    );
    let largest: { name: string; values: bigint } | undefined;
    for (const w of specs) {
      const n = weightValues(w.shape);
      total += n;
      if (n > MAX_TENSOR_VALUES && (!largest || n > largest.values))
        largest = { name: w.name, values: n };
    }
    if (largest) {
      // One error per layer, for its largest tensor; the model total then says nothing new.
      reported = true;
      out.push(
        at(
          node,
          `'${node.name}' (${node.op}) needs a ${largest.name} of ${thousands(largest.values)} ` +
            `values (${float32Size(largest.values)} as float32); one weight tensor may hold at ` +
            `most ${thousands(MAX_TENSOR_VALUES)} values (2 GiB): the wasm backend must hold it ` +
            `and one op's result in its 4 GiB (wasm32) memory`,
        ),
      );
    }
    if (!reported && total > MAX_MODEL_VALUES) {
      reported = true;
      out.push(
        at(
          node,
          `with '${node.name}' (${node.op}), model '${graph.name}' needs ${thousands(total)} ` +
            `weight values so far (${float32Size(total)} as float32); a model may hold at most ` +
            `${thousands(MAX_MODEL_VALUES)} (4 GiB as float32): all that wasm32 memory and ` +
            `one Node.js buffer (2^32 bytes) can hold`,
        ),
      );
    }
  }
  return out;
}
