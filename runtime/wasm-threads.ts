/**
 * Multithreaded tfjs-backend-wasm in Node, without patching the package.
 *
 * tfjs-backend-wasm 4.22 reports `WASM_HAS_MULTITHREAD_SUPPORT` false under Node (tfjs issue
 * #3830), and when forced on, its Emscripten glue starts each pthread worker from a `blob:` URL
 * (the worker script) and hands it the main script as a `Blob`: Node's `Worker` accepts neither.
 * The threaded glue looks its `Worker` class up on `globalThis` at every `new Worker(...)` (it
 * assigns worker_threads' class there first). So we:
 *
 * - turn the flag on, and ask XNNPACK for N threads with the package's own `setThreadsCount`;
 *   the backend caps that at half the logical cores it sees (1 on a 2-core machine), which
 *   its glue reads from `os.cpus()`: that lists 2N cores while the backend starts;
 * - pin `globalThis.Worker` to {@link LazyPthreadWorker}, which starts a thread only when the
 *   glue gives it a pthread (the glue pre-fills a pool of 8), as a {@link PthreadWorker}: a
 *   worker_threads `Worker` that runs the package's on-disk `wasm-out/…worker.js` instead of the
 *   `blob:` one, and rewrites the `load` message's `Blob` main script into the path of the
 *   on-disk `wasm-out/…threaded-simd.js` (the same build as the bundled glue and `.wasm`);
 * - watch the workers while the backend starts: one that fails makes the start fail (instead of
 *   Emscripten's `throw` from an event handler, or a start waiting forever for it), and then every
 *   worker of that attempt is terminated, so the caller can fall back to one thread.
 *
 * Workers never keep Node alive: the glue `unref()`s them once loaded, and their `ref()` (which
 * the glue calls while one runs a pthread, i.e. forever for XNNPACK's pool) is a no-op.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CpuInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** The threaded build's pthread worker module and main script, in the package's `wasm-out/`. */
export function threadedScripts(): { worker: string; main: string } {
  const root = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  return {
    worker: join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'),
    main: join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'),
  };
}

/**
 * The code a pthread worker runs (as an `eval` worker): it evaluates the worker script that the
 * package's `…worker.js` module exports as a string, with `require` and `__filename` in scope
 * (from a dynamic import, so that it runs whether eval workers are CommonJS or, with
 * `--input-type=module` among the parent's flags, ES modules). The string holds `\n` escapes
 * that its template literal turned into newlines; they are turned back, as tfjs does for its Blob.
 */
function bootstrapCode(workerModule: string): string {
  const path = JSON.stringify(workerModule);
  return (
    `import('node:module').then(({ createRequire }) => {\n` +
    `  const require = createRequire(${path});\n` +
    `  const __filename = ${path};\n` +
    HOLD_UNTIL_LOADED +
    `  const source = require(${path}).wasmWorkerContents;\n` +
    `  eval(source.split(String.fromCharCode(10)).join(String.fromCharCode(92, 110)));\n` +
    `});\n`
  );
}

/**
 * Worker-side part of {@link LazyPthreadWorker}: the main thread may post `run` right after
 * `load`, so the messages after `load` are held until this worker has posted `loaded` (which
 * the glue's main thread, told so already, never sees).
 */
const HOLD_UNTIL_LOADED = `
  const { parentPort } = require('node:worker_threads');
  let ready = false;
  const held = [];
  let deliver = () => {};
  const on = parentPort.on.bind(parentPort);
  parentPort.on = (event, listener) => {
    if (event !== 'message') return on(event, listener);
    deliver = listener;
    return on('message', (d) => (ready || (d && d.cmd === 'load') ? listener(d) : held.push(d)));
  };
  const post = parentPort.postMessage.bind(parentPort);
  parentPort.postMessage = (m, t) => {
    if (m && m.cmd === 'loaded') {
      ready = true;
      setImmediate(() => held.splice(0).forEach((d) => deliver(d)));
      return;
    }
    post(m, t);
  };
`;

/** What a watch over the workers of one backend start does with a failing worker. */
interface StartWatch {
  fail(reason: string): void;
  readonly workers: { terminate(): Promise<number> }[];
}

let watch: StartWatch | undefined;

/** A message that the glue posts to a fresh worker: `{ cmd: 'load', urlOrBlob, ... }`. */
function isLoadMessage(value: unknown): value is { cmd: 'load'; urlOrBlob: unknown } {
  return typeof value === 'object' && value !== null && (value as { cmd?: unknown }).cmd === 'load';
}

/**
 * A worker_threads `Worker` that stands in for the browser `Worker` the Emscripten glue expects:
 * `blob:` scripts are replaced by the package's files on disk (see the module doc).
 */
export class PthreadWorker extends NodeWorker {
  private readonly mainScript: string;
  private errorHandler: ((e: unknown) => void) | undefined;

  constructor(url: string | URL, options?: WorkerOptions) {
    const scripts = threadedScripts();
    const fromBlob = String(url).startsWith('blob:');
    super(
      fromBlob ? bootstrapCode(scripts.worker) : url,
      fromBlob ? { ...options, eval: true, execArgv: [] } : options,
    );
    this.mainScript = scripts.main;
    const w = watch;
    if (w) {
      this.on('exit', (code) => {
        if (code !== 0) w.fail(`a wasm pthread worker exited with code ${code}`);
      });
    }
  }

  /**
   * A no-op: the glue `ref()`s a worker while it runs a pthread, and XNNPACK's pool threads run
   * for the life of the process, which would then never exit. The kernels wait for their
   * threads synchronously, so nothing in the main thread ever waits on a worker's event.
   */
  override ref(): void {}

  /** Passes messages on, with the `load` message's `Blob` main script made a file path. */
  override postMessage(
    value: unknown,
    transferList?: Parameters<NodeWorker['postMessage']>[1],
  ): void {
    const message =
      isLoadMessage(value) && typeof value.urlOrBlob !== 'string'
        ? { ...value, urlOrBlob: this.mainScript }
        : value;
    super.postMessage(message, transferList);
  }
}

/**
 * The `Worker` the glue gets: the pthread worker pool that it fills at start (8 of them,
 * whatever the thread count) costs no threads until one is given a pthread to run. It answers
 * `load` with `loaded` at once and keeps the message; the first other message (`run`) starts a
 * {@link PthreadWorker}, which gets `load` and then that message (held in the worker until it
 * has loaded, see HOLD_UNTIL_LOADED). Starting threads here does not need the main thread's
 * event loop, which XNNPACK blocks while its pool threads start.
 */
export class LazyPthreadWorker extends EventEmitter {
  private real: PthreadWorker | undefined;
  private load: [unknown, Parameters<NodeWorker['postMessage']>[1]] | undefined;
  private unrefed = false;
  private errorHandler: ((e: unknown) => void) | undefined;

  constructor(
    private readonly url: string | URL,
    private readonly options?: WorkerOptions,
  ) {
    super();
    watch?.workers.push(this);
  }

  /** Keeps `load` (answering `loaded`); anything else starts the thread and goes to it. */
  postMessage(value: unknown, transferList?: Parameters<NodeWorker['postMessage']>[1]): void {
    if (this.real === undefined && isLoadMessage(value)) {
      this.load = [value, transferList];
      setImmediate(() => this.emit('message', { cmd: 'loaded' }));
      return;
    }
    this.start().postMessage(value, transferList);
  }

  private start(): PthreadWorker {
    if (this.real) return this.real;
    const real = new PthreadWorker(this.url, this.options);
    real.on('message', (d: unknown) => this.emit('message', d));
    real.on('error', (e: unknown) => this.emit('error', e));
    if (this.unrefed) real.unref();
    if (this.load) real.postMessage(this.load[0], this.load[1]);
    this.real = real;
    return real;
  }

  /** A no-op, as {@link PthreadWorker.ref}. */
  ref(): void {}

  unref(): void {
    this.unrefed = true;
    this.real?.unref();
  }

  terminate(): Promise<number> {
    return this.real ? this.real.terminate() : Promise.resolve(0);
  }

  /**
   * The glue's error handler (it logs and rethrows). While a backend start is watched, a worker
   * error fails that start instead; afterwards it goes to the glue's handler as before.
   */
  get onerror(): (e: unknown) => void {
    return (e: unknown) => {
      const w = watch;
      if (w) w.fail(`a wasm pthread worker failed: ${e instanceof Error ? e.message : String(e)}`);
      else if (this.errorHandler) this.errorHandler(e);
      else throw e;
    };
  }

  set onerror(handler: (e: unknown) => void) {
    this.errorHandler = handler;
  }
}

/**
 * Why multithreaded wasm cannot run here (no SharedArrayBuffer, no shared wasm memory, the
 * threaded build's scripts missing), or undefined when it can.
 */
export function threadsUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'WebAssembly shared memory is not available';
  }
  const { worker, main } = threadedScripts();
  for (const f of [worker, main]) if (!existsSync(f)) return `${f} is missing`;
  return undefined;
}

/**
 * Runs `fn` while `os.cpus()` lists at least `count` cores (the real ones, the first repeated),
 * then restores it. The threaded glue's `_emscripten_num_logical_cores` reads `os.cpus().length`
 * in Node, and the backend caps XNNPACK's threads at half of it when it creates its pool, at
 * start: with `2 * threads` cores listed the cap no longer bites.
 */
export async function withLogicalCores<T>(count: number, fn: () => Promise<T>): Promise<T> {
  const os = require('node:os') as { cpus: () => CpuInfo[] };
  const real = os.cpus;
  os.cpus = () => {
    const cores = real();
    const first = cores[0];
    while (first !== undefined && cores.length < count) cores.push(first);
    return cores;
  };
  try {
    return await fn();
  } finally {
    os.cpus = real;
  }
}

let workerPinned = false;

/** Makes `globalThis.Worker` {@link LazyPthreadWorker} for good; the glue's assignments are ignored. */
export function pinPthreadWorker(): void {
  if (workerPinned) return;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => LazyPthreadWorker,
    set: () => {},
  });
  workerPinned = true;
}

/**
 * Runs `start` (the threaded backend's initialisation) while watching the workers it creates.
 * Resolves to undefined when it succeeded, or to the reason it failed: a worker that failed or
 * exited, `start` rejecting or resolving false, or no answer within `timeoutMs`. On failure all
 * of the attempt's workers are terminated.
 */
export async function watchThreadedStart(
  start: () => Promise<boolean>,
  timeoutMs: number,
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const workers: { terminate(): Promise<number> }[] = [];
  const failed = new Promise<string>((resolve) => {
    watch = { fail: resolve, workers };
    timer = setTimeout(
      () => resolve(`the wasm pthread workers did not start within ${timeoutMs / 1000} s`),
      timeoutMs,
    );
  });
  const started = start().then(
    (ok) => (ok ? undefined : 'the threaded wasm backend did not initialise'),
    (e: unknown) =>
      `the threaded wasm backend did not initialise: ${e instanceof Error ? e.message : String(e)}`,
  );
  try {
    const reason = await Promise.race([started, failed]);
    if (reason !== undefined) await Promise.all(workers.map((w) => w.terminate()));
    return reason;
  } finally {
    clearTimeout(timer);
    watch = undefined;
  }
}
