import type * as tf from '@tensorflow/tfjs';
import { checkFile } from '../compiler/compile.js';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { pickModel } from '../compiler/pick-model.js';
import { initBackend, readyBackend, type BackendName } from './backend.js';
import { buildModel } from './build-model.js';
import { buildOptimizedModel } from './optimized-model.js';

/** A `.net` file that does not compile; `diagnostics` holds everything the compiler reported. */
export class NetcCompileError extends Error {
  override readonly name = 'NetcCompileError';
  constructor(
    readonly path: string,
    readonly diagnostics: readonly Diagnostic[],
    message?: string,
  ) {
    super(message ?? NetcCompileError.describe(path, diagnostics));
  }

  private static describe(path: string, diagnostics: readonly Diagnostic[]): string {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const where = first
      ? `${first.span.source.path}:${first.span.source.position(first.span.start).line}`
      : path;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : '';
    return first ? `${where}: ${first.code}: ${first.message}${more}` : `${path} does not compile`;
  }
}

export interface LoadOptions {
  /** The model to build when the file defines several. */
  readonly model?: string;
  /** Deterministic initial weights (see BuildOptions.seed). */
  readonly seed?: number;
  /**
   * Initialise this backend first (see initBackend); default: the one already started, or wasm
   * (on every core) when none has.
   */
  readonly backend?: BackendName;
  /**
   * Build the inference-optimized model (compiler/passes: batch norm folded into the conv
   * before it, activations fused, dropout removed) with the same weights the unoptimized model
   * of the same `seed` has. For inference only: train the unoptimized model.
   */
  readonly optimize?: boolean;
}

/**
 * Compiles a `.net` file and builds one of its models as a `tf.LayersModel`. Throws a
 * `NetcCompileError` (with the diagnostics) when the file has errors, defines no model, or
 * defines several and `model` does not pick one.
 */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<tf.LayersModel> {
  const result = checkFile(path, { model: options.model });
  if (!result.ok) throw new NetcCompileError(path, result.diagnostics);
  const picked = pickModel(result, path, "the 'model' option");
  if (!picked.ok) throw new NetcCompileError(path, result.diagnostics, picked.message);
  if (options.backend) await initBackend(options.backend);
  else await readyBackend();
  const { graph } = picked;
  const model = buildModel(graph, { seed: options.seed });
  if (!options.optimize) return model;
  try {
    return buildOptimizedModel(graph, model).model;
  } finally {
    model.dispose();
  }
}
