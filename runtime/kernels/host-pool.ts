/**
 * Plain-JS kernel loops on more than one core: the batch norm passes, MaxPoolGrad, the phase
 * filters and columns of the convolution gradients run in JS on the wasm heap, on the main
 * thread alone, while the second core waits (XNNPACK's threads run only inside its own kernels).
 * With the threaded backend the heap is a SharedArrayBuffer, so a helper worker can run part of
 * such a loop on the same memory in place: the main thread posts each helper its part (the heap
 * views are shared by the structured clone, not copied), runs its own, and waits for theirs on
 * an `Atomics` flag; the helpers pick their part up synchronously (`receiveMessageOnPort`) when
 * the flag wakes them. No event loop is involved on either side, so a kernel stays synchronous.
 *
 * It is the {@link PartRunner} of runtime/kernels/parts.ts while helpers run. A task's source
 * goes to a helper on its first use there. A helper that fails (or a float32 argument that is not
 * on shared memory) makes its part run on the main thread, and a failed helper is not used again.
 */
import {
  receiveMessageOnPort,
  MessageChannel,
  Worker,
  type MessagePort,
} from 'node:worker_threads';
import { setPartRunner, type HostTask, type PartRunner } from './parts.js';

/** The code each helper runs (an eval worker): wait, take a part, run it, flag it done. */
const HELPER_CODE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { ctl, port } = workerData;
const fns = new Map();
globalThis.netcHostHelper = true;
port.postMessage('ready');
for (;;) {
  // Sleep until the main thread has posted a part (state 1); the message is queued before that.
  for (let s; (s = Atomics.load(ctl, 0)) !== 1; ) Atomics.wait(ctl, 0, s);
  try {
    let m = receiveMessageOnPort(port);
    while (m === undefined) m = receiveMessageOnPort(port);
    const job = m.message;
    if (job.source !== undefined) fns.set(job.id, (0, eval)(job.source));
    fns.get(job.id)(...job.args);
    Atomics.store(ctl, 0, 2);
  } catch (e) {
    port.postMessage(String(e && e.stack || e));
    Atomics.store(ctl, 0, 3);
  }
  Atomics.notify(ctl, 0);
}
`;

interface Helper {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** [state (0 idle, 1 posted, 2 done, 3 failed), spare] */
  readonly ctl: Int32Array;
  /** The tasks whose source it has. */
  readonly known: Set<number>;
}

let helpers: Helper[] = [];
let stopped: string | undefined;
let enabled = true;
let partsOnHelpers = 0;

/** How many parts the helpers have run since the process started (for tests and benches). */
export function helperPartsRun(): number {
  return partsOnHelpers;
}

/** Runs the parts after the first on the helpers (see the module doc). */
const helperRunner: PartRunner = {
  parts: () => (enabled ? 1 + helpers.length : 1),
  run: runOnHelpers,
};

/** Turns the helpers off (every loop on the main thread) or on again: for benches and tests. */
export function useHostPool(on: boolean): void {
  enabled = on;
}

/** Why the helpers are not used (a failure), or undefined. */
export function hostPoolProblem(): string | undefined {
  return stopped;
}

/**
 * Starts `count` helpers (idempotent: stops any running first). Resolves to undefined, or to why
 * they could not start (then there are none and every loop runs on the main thread).
 */
export async function startHostPool(
  count: number,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  stopHostPool();
  stopped = undefined;
  if (count < 1) return undefined;
  const started: Helper[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const ctl = new Int32Array(new SharedArrayBuffer(8));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(HELPER_CODE, {
        eval: true,
        execArgv: [],
        workerData: { ctl, port: port2 },
        transferList: [port2],
      });
      started.push({ worker, port: port1, ctl, known: new Set() });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
        port1.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      // A helper that dies later (out of memory; it allocates no more than a part's arguments)
      // must not crash the process with an unhandled 'error' event: the reason is kept instead.
      worker.on('error', (e: unknown) => {
        stopped = `a JS kernel helper stopped: ${e instanceof Error ? e.message : String(e)}`;
      });
      worker.unref();
      port1.unref();
    }
  } catch (e) {
    for (const h of started) void h.worker.terminate();
    return `the JS kernel helpers did not start: ${e instanceof Error ? e.message : String(e)}`;
  }
  helpers = started;
  setPartRunner(helperRunner);
  return undefined;
}

/** Stops the helpers (the loops run on the main thread again). */
export function stopHostPool(): void {
  for (const h of helpers) void h.worker.terminate();
  helpers = [];
  setPartRunner(undefined);
}

/** The float32 arrays (the heap views a part reads and writes) are all on shared memory. */
const onSharedMemory = (args: unknown[]): boolean =>
  args.every((a) => !(a instanceof Float32Array) || a.buffer instanceof SharedArrayBuffer);

/**
 * Runs `task` once per entry of `parts` (its arguments): the first on the main thread, the others
 * on the helpers, all at once; returns when all are done. Parts beyond the helpers, or with
 * float32 arrays that are not on shared memory, run on the main thread in turn.
 */
function runOnHelpers<A extends unknown[]>(task: HostTask<A>, parts: A[]): void {
  const posted: [Helper, A][] = [];
  for (let i = 1; i < parts.length; i++) {
    const h = helpers[i - 1];
    if (h === undefined || !onSharedMemory(parts[i])) continue;
    const first = !h.known.has(task.id);
    h.port.postMessage({
      id: task.id,
      source: first ? task.source : undefined,
      args: parts[i],
    });
    h.known.add(task.id);
    Atomics.store(h.ctl, 0, 1);
    Atomics.notify(h.ctl, 0);
    posted.push([h, parts[i]]);
  }
  const onHelpers = new Set(posted.map(([, a]) => a));
  for (const args of parts) if (!onHelpers.has(args)) task.fn(...args);
  const failed: [Helper, A, string][] = [];
  for (const [h, args] of posted) {
    let state = Atomics.load(h.ctl, 0);
    while (state === 1) {
      Atomics.wait(h.ctl, 0, 1);
      state = Atomics.load(h.ctl, 0);
    }
    Atomics.store(h.ctl, 0, 0);
    if (state === 3) failed.push([h, args, String(receiveMessageOnPort(h.port)?.message)]);
    else partsOnHelpers++;
  }
  if (failed.length === 0) return;
  for (const [h, args, why] of failed) {
    task.fn(...args);
    stopped = `a JS kernel helper failed in ${task.name}: ${why.split('\n')[0]}`;
    helpers = helpers.filter((x) => x !== h);
    void h.worker.terminate();
  }
}
