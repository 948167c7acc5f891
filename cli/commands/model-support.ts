/**
 * What `netc run`, `train` and `init` share: compiling FILE to one graph, reading `.npy` arrays
 * for the model's inputs and outputs and checking their shapes (against the signature, then
 * through every layer's shape rule) and starting a backend, with each failure turned into a
 * `FileError` (exit 2) or a `DataError` (exit 1). Imports TensorFlow.js: loaded lazily.
 */
import * as tf from '@tensorflow/tfjs';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { Graph, GraphPort } from '../../compiler/ir/graph.js';
import { pickModel } from '../../compiler/pick-model.js';
import { initBackend } from '../../runtime/backend.js';
import { guardWasmAllocations, startWasmSaying } from '../../runtime/wasm-memory.js';
import { batchShape, inputProblems } from '../../runtime/check-inputs.js';
import {
  NpyError,
  readNpy,
  readNpyExamples,
  writeNpy,
  type NpyArray,
  type NpyExamples,
} from '../../io/npy.js';
import { FileReadError } from '../../io/read-file.js';
import { OutputFileError } from '../../io/write-errors.js';
import { InferShapesError, inferShapes } from '../../runtime/shapes.js';
import { backendStartError, fileError } from '../errors.js';
import { DataError, FileError, sourceName, UsageError, type Output } from '../io.js';
import { checkPath, printDiagnostics } from './check.js';
import { checkWritable, sourcesOf, type NamedPath } from './output-paths.js';
import type { Assignment, Backend } from './model-args.js';

/** Milliseconds as `152 ms` or `8.59 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `[2, 3]` */
export const dims = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Compiles FILE and picks its model. Prints the diagnostics (as `netc check` does) and returns
 * null when there are errors; warnings are printed too but do not stop the command. `sources`
 * receives FILE and its imports (the inputs no output may overwrite).
 */
export function compileModel(
  io: Output,
  file: string,
  model: string | undefined,
  sources?: NamedPath[],
): Graph | null {
  const result = checkPath(file, model);
  sources?.push(...sourcesOf(file, result));
  if (result.diagnostics.length > 0) printDiagnostics(io, result.diagnostics, 'text');
  if (!result.ok) return null;
  const picked = pickModel(result, sourceName(file));
  if (!picked.ok) throw new UsageError(picked.message);
  return picked.graph;
}

/**
 * Pairs the model's ports (inputs or outputs) with the `--flag [NAME=]PATH` options: a
 * one-port model takes one option, named or not; with several ports every option is named.
 * `all`: every port needs one (inputs); otherwise any subset (outputs to write).
 */
export function bindPorts(
  flag: string,
  what: 'input' | 'output',
  ports: readonly GraphPort[],
  given: readonly Assignment[],
  all: boolean,
): (Assignment | undefined)[] {
  const names = ports.map((p) => p.name);
  const list = names.join(', ');
  const bound: (Assignment | undefined)[] = ports.map(() => undefined);
  for (const a of given) {
    if (a.name === undefined) {
      if (ports.length !== 1) {
        throw new UsageError(
          `the model has ${ports.length} ${what}s (${list}): name each one, --${flag} NAME=PATH`,
        );
      }
      bound[0] = a;
      continue;
    }
    const i = names.indexOf(a.name);
    if (i < 0) {
      const s = ports.length === 1 ? '' : 's';
      throw new UsageError(
        `--${flag} ${a.name}=...: the model has no ${what} '${a.name}' (its ${what}${s}: ${list})`,
      );
    }
    bound[i] = a;
  }
  const missing = names.filter((_, i) => !bound[i]);
  if (all && missing.length > 0) {
    throw new UsageError(
      `no --${flag} for the model's ${what}${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`,
    );
  }
  return bound;
}

/**
 * Reads a `.npy` file (a regular file of at most 2 GiB, see `readNpy`); a missing, special,
 * oversized or malformed one is a `FileError`.
 */
export async function readArray(path: string): Promise<NpyArray>;
/** `examples`: uint8 data stays uint8 (training; `readNpyExamples`). */
export async function readArray(path: string, examples: true): Promise<NpyExamples>;
export async function readArray(path: string, examples = false): Promise<NpyArray | NpyExamples> {
  try {
    return await (examples ? readNpyExamples(path) : readNpy(path));
  } catch (e) {
    if (e instanceof NpyError || e instanceof FileReadError) throw new FileError(e.message);
    throw fileError(e, path, 'read', true) ?? e;
  }
}

/** Writes a float32 `.npy` file atomically; a failure is a `FileError`. */
export async function writeArray(path: string, shape: number[], data: Float32Array): Promise<void> {
  try {
    await writeNpy(path, shape, data);
  } catch (e) {
    if (e instanceof OutputFileError) throw new FileError(e.message);
    throw fileError(e, path, 'write', true) ?? e;
  }
}

/** An array given for a port, with where it came from (for messages). */
export interface BoundArray<A extends NpyArray | NpyExamples = NpyArray> {
  readonly port: GraphPort;
  readonly path: string;
  /** float32, or for training (`NpyExamples`) uint8 kept as stored. */
  readonly array: A;
}

/** Reads the array bound to each port, in port order (`bound` as `bindPorts` returns it). */
export async function readBoundArrays(
  ports: readonly GraphPort[],
  bound: readonly (Assignment | undefined)[],
): Promise<BoundArray[]> {
  const arrays: BoundArray[] = [];
  for (const [i, a] of bound.entries()) {
    arrays.push({ port: ports[i], path: a!.path, array: await readArray(a!.path) });
  }
  return arrays;
}

/**
 * Checks that each array is a batch for its port (`inputProblems`: rank, known and symbolic
 * dims, one batch size). Returns the batch size; throws a `DataError` listing every problem.
 */
export function checkBatches(
  what: string,
  arrays: readonly BoundArray<NpyArray | NpyExamples>[],
): number {
  const problems = inputProblems(
    arrays.map((b) => b.port),
    arrays.map((b) => ({ ...b.array, source: b.path })),
    what,
  );
  if (problems.length === 1) throw new DataError(problems[0]);
  if (problems.length > 1) {
    throw new DataError(`${problems.length} problems with the inputs:`, problems);
  }
  return arrays[0]?.array.shape[0] ?? 0;
}

/**
 * Runs every layer's shape rule for the concrete input sizes (`inferShapes`); when one
 * rejects them (an image too small for a kernel, say), the compiler-style diagnostic at that
 * layer, with a note naming the inputs. The wasm backend does not check sizes itself: an
 * undersized input can corrupt it, so this runs before anything is built.
 */
export function inputShapeDiagnostic(
  graph: Graph,
  inputs: readonly BoundArray<NpyArray | NpyExamples>[],
): Diagnostic | null {
  try {
    inferShapes(
      graph,
      inputs.map((b) => b.array.shape.slice(1)),
    );
    return null;
  } catch (e) {
    if (!(e instanceof InferShapesError)) throw e;
    const op = e.opError;
    const message = e.reason instanceof Error ? e.reason.message : String(e.reason);
    const given = inputs.map(
      (b) =>
        `${b.port.name} ${batchShape(b.array.shape.slice(1)).replace('batch, ', '')} (${b.path})`,
    );
    return {
      severity: 'error',
      code: op?.code ?? 'E3004',
      message: message.startsWith(e.node.op) ? message : `${e.node.op}: ${message}`,
      span: e.node.span,
      notes: [
        ...(op?.notes ?? []).map((m) => ({ message: m })),
        {
          message: `with the input size${inputs.length === 1 ? '' : 's'} given: ${given.join('; ')}`,
        },
      ],
      expansion: e.node.expansion,
    };
  }
}

/** Prints the diagnostic of `inputShapeDiagnostic`, if any; true when the inputs fit. */
export function inputsFit(
  io: Output,
  graph: Graph,
  inputs: readonly BoundArray<NpyArray | NpyExamples>[],
): boolean {
  const d = inputShapeDiagnostic(graph, inputs);
  if (!d) return true;
  printDiagnostics(io, [d], 'text');
  return false;
}

/**
 * Starts a TensorFlow.js backend, without tfjs's console advice about tfjs-node. `threads`:
 * the wasm backend's thread count (`--threads`; undefined: one per core). Returns how it names
 * itself in a report: `wasm (2 threads)`, `wasm (1 thread: REASON)`, `cpu`.
 */
export async function startBackend(name: Backend, threads?: number): Promise<string> {
  tf.env().set('PROD', true);
  let s;
  try {
    s = await startWasmSaying(() => initBackend(name, { threads }));
  } catch (e) {
    throw backendStartError(e, name);
  }
  guardWasmAllocations();
  if (name === 'cpu') return name;
  return `${name} (${s.threads} thread${s.threads === 1 ? '' : 's'}${s.note ? `: ${s.note}` : ''})`;
}

/**
 * Checks, before any work, that a file can be written at `path`: a regular file or nothing is
 * there (a link is written through) and its folder takes a new file (`checkWritable`).
 */
export function checkOutputPath(path: string): void {
  checkWritable(path);
}

/** The batch of arrays as tensors, in port order (one tensor, or a list for several ports). */
export function toTensors(arrays: readonly BoundArray[]): tf.Tensor | tf.Tensor[] {
  const ts = arrays.map((b) => tf.tensor(b.array.data, b.array.shape, 'float32'));
  return ts.length === 1 ? ts[0] : ts;
}
