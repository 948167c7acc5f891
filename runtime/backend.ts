import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './wasm-kernels.js';

export type BackendName = 'wasm' | 'cpu';

let wasmPathsSet = false;

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
 * pure-JS `cpu` one. Multithreaded wasm is not available in Node: tfjs-backend-wasm 4.22 turns
 * `WASM_HAS_MULTITHREAD_SUPPORT` off under Node (tfjs issue #3830), and forcing it on fails,
 * since the threaded build starts its workers from `blob:` URLs, which Node's `Worker` refuses
 * (ERR_WORKER_PATH). So wasm runs single-threaded here.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (name === 'wasm') {
    if (!wasmPathsSet) {
      setWasmPaths(wasmDir());
      wasmPathsSet = true;
    }
    registerWasmGradientKernels();
  }
  // engine().backendName, not getBackend(): the latter would first start the default backend.
  if (tf.engine().backendName !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`could not initialise the TensorFlow.js '${name}' backend`);
  }
  await tf.ready();
}
