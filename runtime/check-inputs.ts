/**
 * Checks input arrays against a graph's ports before anything runs: the wasm backend does not
 * check sizes itself, and an undersized input can corrupt it. `netc run` / `train` and users of
 * `loadModel` share these checks.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph, GraphPort } from '../compiler/ir/graph.js';
import { formatDim, type Shape } from '../compiler/ir/shape.js';

/** One batch for a port: the first dim is the batch, then the port's dims. */
export interface InputArray {
  readonly shape: readonly number[];
  /** float32 (or uint8, scaled later: training) values, row-major; as many as the shape holds. */
  readonly data: Float32Array | Uint8Array;
  /** Where the array came from (a file name), for messages: `... found [2, 5] from x.npy`. */
  readonly source?: string;
}

/** Arrays that do not fit a graph's inputs; `problems` lists each one (also the message). */
export class InputCheckError extends Error {
  override readonly name = 'InputCheckError';
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} problems with the inputs:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
}

/** `[2, 3]` */
const dims = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** A port's shape with its batch dim: `[batch, 224, 224, 3]`, `?` for unknown dims. */
export const batchShape = (shape: Shape): string =>
  `[batch${shape.map((d) => `, ${formatDim(d)}`).join('')}]`;

/** An untyped value seen from outside TypeScript (a JS caller) may be anything. */
function dtypeOf(data: unknown): string {
  if (data instanceof Float32Array) return 'float32';
  if (ArrayBuffer.isView(data)) return data.constructor.name;
  return typeof data;
}

/**
 * Every way `arrays` (one per port, in port order) fail to be one batch for `ports`: their
 * count; each array's rank (port rank + 1), known dims and dtype (a Float32Array holding as
 * many values as its shape); a symbolic dim (`T`) the same size wherever it appears; one batch
 * size, at least 1, for all. `what` names the ports in messages (`input`, `target`). Empty when
 * they fit.
 */
export function inputProblems(
  ports: readonly GraphPort[],
  arrays: readonly InputArray[],
  what = 'input',
): string[] {
  const problems: string[] = [];
  if (arrays.length !== ports.length) {
    const s = ports.length === 1 ? '' : 's';
    const names = ports.map((p) => p.name).join(', ');
    problems.push(
      `the model has ${ports.length} ${what}${s} (${names}), given ${arrays.length} array${arrays.length === 1 ? '' : 's'}`,
    );
    return problems;
  }
  const symbols = new Map<string, { size: number; where: string }>();
  let batch: { size: number; where: string } | undefined;
  arrays.forEach((array, k) => {
    const port = ports[k];
    const found = array.shape;
    const from = array.source === undefined ? '' : ` from ${array.source}`;
    const head = `${what} '${port.name}' expects ${batchShape(port.shape)}, found ${dims(found)}${from}`;
    const dtype = dtypeOf(array.data);
    if (dtype !== 'float32' && dtype !== 'Uint8Array') {
      problems.push(`${what} '${port.name}'${from}: the data is ${dtype}, expected a Float32Array`);
      return;
    }
    const size = found.reduce((a, b) => a * b, 1);
    if (array.data.length !== size) {
      problems.push(
        `${what} '${port.name}'${from}: shape ${dims(found)} holds ${size} values, the data ${array.data.length}`,
      );
      return;
    }
    if (found.length !== port.shape.length + 1) {
      const unbatched =
        found.length === port.shape.length &&
        port.shape.every((d, i) => typeof d !== 'number' || d === found[i]);
      problems.push(
        unbatched
          ? `${head}: the first dim is the batch; for one example save it as x[None] (shape ${dims([1, ...found])})`
          : head,
      );
      return;
    }
    if (found[0] === 0) {
      problems.push(`${head}: the batch is empty`);
      return;
    }
    for (const [i, d] of port.shape.entries()) {
      const n = found[i + 1];
      if (n === 0) {
        problems.push(`${head}: dim ${i + 1} is 0`);
        return;
      }
      if (typeof d === 'number' && d !== n) {
        problems.push(head);
        return;
      }
      if (typeof d === 'string') {
        const seen = symbols.get(d);
        if (seen && seen.size !== n) {
          problems.push(`${head}: ${d} is ${n} here but ${seen.size} in ${seen.where}`);
          return;
        }
        symbols.set(d, { size: n, where: `${what} '${port.name}'` });
      }
    }
    const where = `${array.source === undefined ? '' : `${array.source} `}(${what} '${port.name}')`;
    if (batch && batch.size !== found[0]) {
      problems.push(
        `the batch sizes differ: ${found[0]} in ${where}, ${batch.size} in ${batch.where}`,
      );
    }
    batch ??= { size: found[0], where };
  });
  return problems;
}

/**
 * Checks `arrays` (one per graph input, in the graph's input order) against the graph's inputs
 * (see `inputProblems`) and returns them as float32 tensors for `model.predict`; throws one
 * `InputCheckError` listing every problem. The shapes are checked against the ports only: run
 * `inferShapes(graph, shapes)` too to check them against every layer's shape rule.
 */
export function checkInputs(graph: Graph, arrays: readonly InputArray[]): tf.Tensor[] {
  const problems = inputProblems(graph.inputs, arrays);
  if (problems.length > 0) throw new InputCheckError(problems);
  return arrays.map((a) => tf.tensor(a.data, [...a.shape], 'float32'));
}
