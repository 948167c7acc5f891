/**
 * Out of memory on the wasm backend, said as such. tfjs-backend-wasm allocates every tensor
 * with the module's `_malloc`, which takes a 32-bit size and returns 0 when the heap (at most
 * 4 GiB) cannot hold the block; tfjs uses the result unchecked, so a tensor that does not fit
 * ends in `memory access out of bounds` (or a wrapped size, silently wrong). The guard makes
 * such an allocation throw a `WasmOutOfMemoryError` instead.
 */
import * as tf from '@tensorflow/tfjs';

/** The most bytes one wasm32 allocation can ask for. */
const MAX_WASM_ALLOCATION = 2 ** 32 - 1;

/** A tensor that the wasm heap cannot hold. */
export class WasmOutOfMemoryError extends RangeError {
  override readonly name = 'WasmOutOfMemoryError';
  constructor(readonly bytes: number) {
    super(`the wasm heap is out of memory: cannot allocate ${bytes} bytes for a tensor`);
  }
}

interface WasmModule {
  _malloc(bytes: number): number;
  _free(at: number): void;
}

const guarded = new WeakSet<WasmModule>();

/** Makes the running wasm backend's allocations throw `WasmOutOfMemoryError` on failure. */
export function guardWasmAllocations(): void {
  if (tf.getBackend() !== 'wasm') return;
  const wasm = (tf.backend() as unknown as { wasm?: WasmModule }).wasm;
  if (!wasm || guarded.has(wasm)) return;
  // Emscripten's first `_malloc` replaces itself with the export: resolve it before wrapping.
  wasm._free(wasm._malloc(8));
  const malloc = wasm._malloc.bind(wasm);
  wasm._malloc = (bytes: number): number => {
    if (bytes > MAX_WASM_ALLOCATION) throw new WasmOutOfMemoryError(bytes);
    const at = malloc(bytes);
    if (at === 0 && bytes > 0) throw new WasmOutOfMemoryError(bytes);
    return at;
  };
  guarded.add(wasm);
}
