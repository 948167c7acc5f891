/**
 * Loading onnxruntime-node, an optional dependency: netc installs and works without it, so it is
 * imported only when an ONNX Runtime model is made, and only the few members netc uses are
 * typed here (the package's own types are not needed to build netc).
 */

/** An ONNX Runtime tensor, as far as netc reads it. */
export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

export interface OrtSessionOptions {
  readonly executionProviders?: readonly string[];
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  readonly intraOpNumThreads?: number;
  /**
   * The data files a model's initializers name (ONNX external data), by their `location`: for
   * a model given as bytes (a model given by path finds them beside its file).
   */
  readonly externalData?: readonly { readonly path: string; readonly data: Uint8Array }[];
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** The part of the onnxruntime-node module netc uses. */
export interface OrtModule {
  readonly InferenceSession: {
    /** From the model's bytes, or from an `.onnx` file's path. */
    create(model: Uint8Array | string, options?: OrtSessionOptions): Promise<OrtSession>;
  };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  /** The package's versions (`common`, `node`), when it reports them. */
  readonly env?: { readonly versions?: { readonly common?: string; readonly node?: string } };
}

/** onnxruntime-node is missing, or present but cannot load (no binary for this platform). */
export class OnnxRuntimeUnavailableError extends Error {
  override readonly name = 'OnnxRuntimeUnavailableError';
}

export const ORT_PACKAGE = 'onnxruntime-node';

export const NOT_INSTALLED =
  `${ORT_PACKAGE} is not installed: npm install ${ORT_PACKAGE} ` +
  `(with ONNXRUNTIME_NODE_INSTALL_CUDA=skip ONNXRUNTIME_NODE_INSTALL=skip in the environment its install ` +
  `script downloads nothing: the CPU binaries come with the package)`;

/** Imports the module; replaceable, so that tests can simulate a missing or broken package. */
export type OnnxRuntimeLoader = () => Promise<unknown>;

// A variable specifier: TypeScript does not look for the package's types, which may be absent.
const defaultLoader: OnnxRuntimeLoader = () => import(ORT_PACKAGE);

let loader: OnnxRuntimeLoader = defaultLoader;
let loaded: Promise<OrtModule> | undefined;

/** Replaces the loader (tests); without an argument, restores the real one. */
export function setOnnxRuntimeLoader(next?: OnnxRuntimeLoader): void {
  loader = next ?? defaultLoader;
  loaded = undefined;
}

/** The package itself is missing (not a module it requires, such as its native binding). */
function isPackageMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return notFound && new RegExp(`['"]${ORT_PACKAGE}['"]`).test(message);
}

function asOrtModule(mod: unknown): OrtModule {
  const candidates = [mod, (mod as { default?: unknown } | null)?.default];
  for (const m of candidates) {
    const o = m as Partial<OrtModule> | null | undefined;
    if (typeof o?.InferenceSession?.create === 'function' && typeof o.Tensor === 'function') {
      return o as OrtModule;
    }
  }
  throw new OnnxRuntimeUnavailableError(
    `${ORT_PACKAGE} loaded, but it has no InferenceSession / Tensor: is it a supported version?`,
  );
}

/**
 * onnxruntime-node, imported on first use. Throws an `OnnxRuntimeUnavailableError` when it is
 * not installed or does not load.
 */
export function loadOnnxRuntime(): Promise<OrtModule> {
  loaded ??= loader().then(asOrtModule, (e: unknown) => {
    if (isPackageMissing(e)) throw new OnnxRuntimeUnavailableError(NOT_INSTALLED);
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new OnnxRuntimeUnavailableError(
      `${ORT_PACKAGE} is installed but does not load (${why}): reinstall it with npm install ${ORT_PACKAGE}`,
    );
  });
  const attempt = loaded;
  // A failed attempt is not cached: the next call tries again.
  attempt.catch(() => {
    if (loaded === attempt) loaded = undefined;
  });
  return attempt;
}
