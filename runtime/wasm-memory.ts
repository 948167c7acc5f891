/**
 * Out of memory on the wasm backend, said as such. tfjs-backend-wasm allocates every tensor
 * with the module's `_malloc`, which takes a 32-bit size and returns 0 when the heap (at most
 * 4 GiB) cannot hold the block; tfjs uses the result unchecked, so a tensor that does not fit
 * ends in `memory access out of bounds` (or a wrapped size, silently wrong). The guard makes
 * such an allocation throw a `WasmOutOfMemoryError` instead.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The wasm backend could not start for want of memory: V8 reserves several GiB of address space
 * for each WebAssembly memory, which a tight `ulimit -v` refuses before any model runs.
 */
export class WasmStartOutOfMemoryError extends RangeError {
  override readonly name = 'WasmStartOutOfMemoryError';
  constructor(readonly reason: string) {
    super(`the wasm backend is out of memory at start: ${reason}`);
  }
}

/** Why this process cannot create a WebAssembly memory now, or undefined when it can. */
export function wasmMemoryProblem(): string | undefined {
  try {
    new WebAssembly.Memory({ initial: 1 });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

type ConsoleLine = readonly ['error' | 'warn', unknown[]];

/**
 * Runs `start` (the wasm backend's start) with its console output held back. When it fails and
 * no WebAssembly memory can be made, throws a `WasmStartOutOfMemoryError` and drops the held
 * lines (emscripten's "failed to asynchronously prepare wasm", "Aborted(...)"); otherwise the
 * lines are printed as they would have been, and `start`'s result or error passes through.
 */
export async function startWasmSaying<T>(start: () => Promise<T>): Promise<T> {
  const held: ConsoleLine[] = [];
  const saved = { error: console.error, warn: console.warn };
  console.error = (...args: unknown[]) => void held.push(['error', args]);
  console.warn = (...args: unknown[]) => void held.push(['warn', args]);
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await start() };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    console.error = saved.error;
    console.warn = saved.warn;
  }
  const problem = outcome.ok ? undefined : wasmMemoryProblem();
  if (problem !== undefined) throw new WasmStartOutOfMemoryError(problem);
  for (const [kind, args] of held) console[kind](...args);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

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
