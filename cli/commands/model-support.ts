/**
 * What `netc run`, `train` and `init` share: compiling FILE to one graph, reading `.npy` arrays
 * for the model's inputs and outputs and checking their shapes (against the signature, then
 * through every layer's shape rule), starting a backend, and loading / saving weights, with
 * each failure turned into a `FileError` (exit 2) or a `DataError` (exit 1). Imports
 * TensorFlow.js: cli/main.ts loads it lazily.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkSource } from '../../compiler/compile.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { Graph, GraphPort } from '../../compiler/ir/graph.js';
import { formatDim, type Shape } from '../../compiler/ir/shape.js';
import { Source } from '../../compiler/source.js';
import { initBackend } from '../../runtime/backend.js';
import { NpyError, readNpy, writeNpy, type NpyArray } from '../../io/npy.js';
import { SafetensorsError } from '../../io/safetensors.js';
import { TfjsFilesError } from '../../runtime/io/tfjs-files.js';
import { WeightMismatchError } from '../../runtime/io/weights.js';
import { InferShapesError, inferShapes } from '../../runtime/shapes.js';
import {
  loadWeights,
  saveWeights,
  tfjsFolder,
  weightsFormat,
  WeightsFileError,
} from '../../runtime/weights-files.js';
import { DataError, FileError, readSource, UsageError, type Output } from '../io.js';
import { printDiagnostics } from './check.js';
import type { Assignment, Backend } from './model-args.js';

/** Milliseconds as `152 ms` or `8.59 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `[2, 3]` */
export const dims = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** A port's shape with its batch dim: `[batch, 224, 224, 3]`, `?` for unknown dims. */
export const batchShape = (shape: Shape): string =>
  `[batch${shape.map((d) => `, ${formatDim(d)}`).join('')}]`;

/** The one message for a failed read or write of `path` (`verb` is read / write). */
function systemError(e: unknown, path: string, verb: string): FileError | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('E')) return undefined;
  const why: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EISDIR: 'is a folder',
    ENOTDIR: 'a part of the path is not a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
  };
  return new FileError(`cannot ${verb} ${path}: ${why[code] ?? (e as Error).message}`);
}

/**
 * Compiles FILE and picks its model. Prints the diagnostics (as `netc check` does) and returns
 * null when there are errors; warnings are printed too but do not stop the command.
 */
export function compileModel(io: Output, file: string, model: string | undefined): Graph | null {
  let text: string;
  try {
    text = readSource(file);
  } catch (e) {
    throw e instanceof UsageError ? new FileError(e.message) : e;
  }
  const result = checkSource(new Source(file, text), { model });
  if (result.diagnostics.length > 0) printDiagnostics(io, result.diagnostics, 'text');
  if (!result.ok) return null;
  if (result.graphs.length !== 1) {
    const names = result.graphs.map((g) => g.name).join(', ') || 'none';
    throw new UsageError(
      `${file} defines ${result.graphs.length} models (${names}); choose one with --model NAME`,
    );
  }
  return result.graphs[0];
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

/** Reads a `.npy` file; a missing or malformed one is a `FileError`. */
export async function readArray(path: string): Promise<NpyArray> {
  try {
    return await readNpy(path);
  } catch (e) {
    if (e instanceof NpyError) throw new FileError(e.message);
    throw systemError(e, path, 'read') ?? e;
  }
}

/** Writes a float32 `.npy` file atomically; a failure is a `FileError`. */
export async function writeArray(path: string, shape: number[], data: Float32Array): Promise<void> {
  try {
    await writeNpy(path, shape, data);
  } catch (e) {
    throw systemError(e, path, 'write') ?? e;
  }
}

/** An array given for a port, with where it came from (for messages). */
export interface BoundArray {
  readonly port: GraphPort;
  readonly path: string;
  readonly array: NpyArray;
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
 * Checks that each array is a batch for its port: rank = port rank + 1, the batch (first dim)
 * the same for all and positive, known dims equal, a symbolic dim (`T`) the same size wherever
 * it appears. Returns the batch size; throws a `DataError` naming expected and found shapes.
 */
export function checkBatches(what: string, arrays: readonly BoundArray[]): number {
  const symbols = new Map<string, { size: number; where: string }>();
  let batch: { size: number; where: string } | undefined;
  for (const { port, path, array } of arrays) {
    const found = array.shape;
    const head = `${what} '${port.name}' expects ${batchShape(port.shape)}, found ${dims(found)} from ${path}`;
    if (found.length !== port.shape.length + 1) {
      const unbatched =
        found.length === port.shape.length &&
        port.shape.every((d, i) => typeof d !== 'number' || d === found[i]);
      throw new DataError(
        unbatched
          ? `${head}: the first dim is the batch; for one example save it as x[None] (shape ${dims([1, ...found])})`
          : head,
      );
    }
    if (found[0] === 0) throw new DataError(`${head}: the batch is empty`);
    port.shape.forEach((d, i) => {
      const size = found[i + 1];
      if (size === 0) throw new DataError(`${head}: dim ${i + 1} is 0`);
      if (typeof d === 'number' && d !== size) throw new DataError(head);
      if (typeof d === 'string') {
        const seen = symbols.get(d);
        if (seen && seen.size !== size) {
          throw new DataError(`${head}: ${d} is ${size} here but ${seen.size} in ${seen.where}`);
        }
        symbols.set(d, { size, where: `${what} '${port.name}'` });
      }
    });
    if (batch && batch.size !== found[0]) {
      throw new DataError(
        `the batch sizes differ: ${found[0]} in ${path} (${what} '${port.name}'), ${batch.size} in ${batch.where}`,
      );
    }
    batch ??= { size: found[0], where: `${path} (${what} '${port.name}')` };
  }
  return batch?.size ?? 0;
}

/**
 * Runs every layer's shape rule for the concrete input sizes (`inferShapes`); when one
 * rejects them (an image too small for a kernel, say), the compiler-style diagnostic at that
 * layer, with a note naming the inputs. The wasm backend does not check sizes itself: an
 * undersized input can corrupt it, so this runs before anything is built.
 */
export function inputShapeDiagnostic(
  graph: Graph,
  inputs: readonly BoundArray[],
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
export function inputsFit(io: Output, graph: Graph, inputs: readonly BoundArray[]): boolean {
  const d = inputShapeDiagnostic(graph, inputs);
  if (!d) return true;
  printDiagnostics(io, [d], 'text');
  return false;
}

/**
 * Starts a TensorFlow.js backend, without tfjs's console advice about tfjs-node. Returns how it
 * names itself in a report: `wasm (2 threads)`, `wasm (1 thread: REASON)`, `cpu`.
 */
export async function startBackend(name: Backend, threads?: number): Promise<string> {
  tf.env().set('PROD', true);
  const s = await initBackend(name, { threads });
  if (name === 'cpu') return name;
  return `${name} (${s.threads} thread${s.threads === 1 ? '' : 's'}${s.note ? `: ${s.note}` : ''})`;
}

/** Loads weights into the model (nothing is set unless all match); maps every failure. */
export async function loadWeightsFrom(model: tf.LayersModel, path: string): Promise<void> {
  try {
    await loadWeights(model, path);
  } catch (e) {
    if (e instanceof WeightMismatchError) throw new DataError(`${path}: ${e.message}`);
    if (e instanceof WeightsFileError) throw new FileError(e.message);
    if (e instanceof SafetensorsError || e instanceof TfjsFilesError)
      throw new FileError(`${path}: ${e.message}`);
    throw systemError(e, path, 'read') ?? e;
  }
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw systemError(e, path, 'write') ?? e;
  }
}

/**
 * Checks, before any work, that weights can go to `path`: a .safetensors path must not be a
 * folder and its folder must exist; a tfjs folder must not be a file (missing folders are
 * created, below an existing one).
 */
export async function checkSavePath(path: string): Promise<void> {
  const safetensors = weightsFormat(path) === 'safetensors';
  const target = safetensors ? path : tfjsFolder(path);
  const info = await statOrNull(target);
  if (info) {
    if (safetensors && info.isDirectory())
      throw new FileError(`cannot write ${path}: it is a folder, not a .safetensors file`);
    if (!safetensors && !info.isDirectory()) {
      throw new FileError(
        `cannot write weights to ${target}: it is a file (weights go to a folder, or to a path ending in .safetensors)`,
      );
    }
    return;
  }
  let parent = dirname(target);
  while (!safetensors && !(await statOrNull(parent)) && dirname(parent) !== parent)
    parent = dirname(parent);
  const p = await statOrNull(parent);
  if (!p) throw new FileError(`cannot write ${path}: the folder ${parent} does not exist`);
  if (!p.isDirectory()) throw new FileError(`cannot write ${path}: ${parent} is not a folder`);
}

/** Checks, before any work, that a file can be written at `path` (its folder exists). */
export async function checkOutputPath(path: string): Promise<void> {
  const info = await statOrNull(path);
  if (info?.isDirectory()) throw new FileError(`cannot write ${path}: it is a folder`);
  const parent = await statOrNull(dirname(path));
  if (!parent?.isDirectory())
    throw new FileError(`cannot write ${path}: the folder ${dirname(path)} does not exist`);
}

/** Saves the model's weights (format by the path's form); maps every failure. */
export async function saveWeightsTo(model: tf.LayersModel, path: string): Promise<string> {
  try {
    await saveWeights(model, path);
  } catch (e) {
    if (e instanceof WeightsFileError || e instanceof TfjsFilesError)
      throw new FileError(e.message);
    throw systemError(e, path, 'write') ?? e;
  }
  return weightsFormat(path) === 'safetensors' ? 'safetensors' : 'model.json + weights.bin';
}

/** The batch of arrays as tensors, in port order (one tensor, or a list for several ports). */
export function toTensors(arrays: readonly BoundArray[]): tf.Tensor | tf.Tensor[] {
  const ts = arrays.map((b) => tf.tensor(b.array.data, b.array.shape, 'float32'));
  return ts.length === 1 ? ts[0] : ts;
}
