import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { startHostPool } from './kernels/host-pool.js';
import { registerWasmGradientKernels } from './wasm-kernels.js';
import {
  pinPthreadWorker,
  threadsUnavailable,
  watchThreadedStart,
  withLogicalCores,
} from './wasm-threads.js';

export type BackendName = 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /**
   * wasm: the threads XNNPACK runs on (default: the number of cores,
   * `os.availableParallelism()`). Fixed by the first wasm start of the process; later calls
   * report the count in use.
   */
  readonly threads?: number;
}

/** The backend that {@link initBackend} started. */
export interface BackendStatus {
  readonly name: BackendName;
  /** The threads its kernels run on (1 for cpu). */
  readonly threads: number;
  /**
   * wasm on fewer than the threads asked (or on one): a one-line reason, e.g. `1 thread asked`,
   * `SharedArrayBuffer is not available`, `a wasm pthread worker failed: ...`.
   */
  readonly note?: string;
}

/** How long the threaded backend may take to start its workers before we fall back. */
const THREADED_START_TIMEOUT_MS = 60_000;

let wasmPathsSet = false;
let wasmStatus: BackendStatus | undefined;

/**
 * The folder holding the `.wasm` binaries of @tensorflow/tfjs-backend-wasm. In Node a plain
 * absolute path (with a trailing separator) works: the Emscripten loader reads it with `fs`.
 */
export function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

/**
 * Selects and initialises a TensorFlow.js backend: `wasm` (XNNPACK, SIMD; the default) or the
 * pure-JS `cpu` one. wasm runs multithreaded (see wasm-threads.ts for how, in Node) on
 * `options.threads` threads, by default one per core; where threads cannot start (one thread
 * asked or one core, no SharedArrayBuffer, a worker that fails) it runs on one, and the status
 * returned carries a one-line `note` saying why.
 */
export async function initBackend(
  name: BackendName = 'wasm',
  options: BackendOptions = {},
): Promise<BackendStatus> {
  if (name === 'wasm') {
    if (!wasmPathsSet) {
      setWasmPaths(wasmDir());
      wasmPathsSet = true;
    }
    registerWasmGradientKernels();
  }
  // engine().backendName, not getBackend(): the latter would first start the default backend.
  if (tf.engine().backendName !== name) {
    if (name === 'wasm' && !('wasm' in tf.engine().registry)) {
      wasmStatus = await startWasm(options.threads ?? availableParallelism());
    } else {
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error(`could not initialise the TensorFlow.js '${name}' backend`);
    }
  }
  await tf.ready();
  if (name === 'cpu') return { name, threads: 1 };
  return (wasmStatus ??= { name, threads: getThreadsCount() });
}

/**
 * The backend tensors run on now, starting the default one (`initBackend()`: wasm on every core)
 * when none has started yet, as tfjs itself cannot: wasm starts asynchronously, and the first
 * tensor made before it is ready fails with "The highest priority backend 'wasm' has not yet
 * been initialized". A backend the caller started (cpu, webgl, ...) is left as it is.
 */
export async function readyBackend(): Promise<string> {
  const current = tf.engine().backendName;
  if (current) return current;
  return (await initBackend()).name;
}

/**
 * Throws a plain message where no TensorFlow.js backend has started, instead of tfjs's "highest
 * priority backend has not yet been initialized" at the first tensor. For synchronous entry
 * points (buildModel), which cannot start one themselves.
 */
export function requireBackend(what: string): void {
  if (tf.engine().backendName) return;
  throw new Error(
    `${what} needs a TensorFlow.js backend: \`await initBackend()\` first (wasm; or 'cpu'), or use loadModel, which starts it`,
  );
}

/** Starts wasm on `threads` threads, or on one (with the reason) where that fails. */
async function startWasm(threads: number): Promise<BackendStatus> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, not ${threads}`);
  let note =
    threads === 1
      ? availableParallelism() === 1
        ? 'this machine has 1 core'
        : '1 thread asked'
      : threadsUnavailable();
  if (note === undefined) {
    pinPthreadWorker();
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    const failure = await withLogicalCores(2 * threads, () =>
      watchThreadedStart(() => tf.setBackend('wasm'), THREADED_START_TIMEOUT_MS),
    );
    if (failure === undefined) {
      const actual = getThreadsCount();
      // The plain-JS kernel loops (batch norm, MaxPoolGrad, ...) share the heap with helpers.
      const helpers = await startHostPool(actual - 1);
      const notes = [
        actual === threads ? undefined : `the backend started ${actual} of ${threads} threads`,
        helpers,
      ].filter((n): n is string => n !== undefined);
      return notes.length === 0
        ? { name: 'wasm', threads: actual }
        : { name: 'wasm', threads: actual, note: notes.join('; ') };
    }
    note = failure;
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(1);
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error(`could not initialise the TensorFlow.js 'wasm' backend`);
  return { name: 'wasm', threads: getThreadsCount(), note };
}
