/**
 * Splitting a plain-JS kernel loop into parts, with no dependency: what the kernels (and the
 * layer code that codegen embeds in standalone modules, for browsers too) import. By default
 * every part runs on the calling thread, in turn; in Node, runtime/kernels/host-pool.ts installs
 * a {@link PartRunner} that runs the parts after the first on helper workers sharing the wasm
 * heap.
 *
 * A task is a named plain function (and its helpers) whose source a runner may send elsewhere:
 * it may read only its arguments and the helpers given with it. Parts must write disjoint
 * elements. A runner passes arguments by structured clone: float32 arrays must be views of the
 * shared heap, other arrays are copied unless on shared memory, so a part's sums go to a
 * {@link sharedFloat64} of its own, added by the caller.
 */

/** A plain function that a helper can rebuild from its source. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type PlainFunction = Function;

/** A kernel loop that can run on a helper: `fn` and the module-level helpers it calls. */
export interface HostTask<A extends unknown[]> {
  /** Unique per task in this process (two loops may share a function name). */
  readonly id: number;
  readonly name: string;
  readonly fn: (...args: A) => void;
  readonly source: string;
}

let tasks = 0;

/** Declares a task: `helpers` are the other module-level functions `fn` calls, by name. */
export function hostTask<A extends unknown[]>(
  fn: (...args: A) => void,
  helpers: Record<string, PlainFunction> = {},
): HostTask<A> {
  const defs = Object.entries(helpers)
    .map(([k, v]) => `const ${k} = ${v.toString()};`)
    .join('\n');
  return {
    id: ++tasks,
    name: fn.name,
    fn,
    source: `(() => {\n${defs}\nreturn (${fn.toString()});\n})()`,
  };
}

/** What runs the parts of a loop: {@link setPartRunner}. */
export interface PartRunner {
  /** How many parts a loop may be split into now. */
  parts(): number;
  /** Runs every part, the first on the calling thread; returns when all are done. */
  run<A extends unknown[]>(task: HostTask<A>, parts: A[]): void;
}

let runner: PartRunner | undefined;

/** Installs (or, with undefined, removes) the runner of {@link runParts}. */
export function setPartRunner(r: PartRunner | undefined): void {
  runner = r;
}

/** How many parts a loop can be split into now: 1 without a runner. */
export function hostParts(): number {
  return runner?.parts() ?? 1;
}

/** Runs `task` once per entry of `parts` (its arguments), on the runner if there is one. */
export function runParts<A extends unknown[]>(task: HostTask<A>, parts: A[]): void {
  if (runner === undefined || parts.length === 1) for (const args of parts) task.fn(...args);
  else runner.run(task, parts);
}

/** A float64 array on shared memory: what a part writes its sums into. */
export function sharedFloat64(length: number): Float64Array {
  return typeof SharedArrayBuffer === 'function'
    ? new Float64Array(new SharedArrayBuffer(8 * Math.max(1, length)))
    : new Float64Array(length);
}

/**
 * Runs a loop over `[0, n)` that adds into the float64 arrays `sums` (each of `length` values), split
 * by {@link splitRange} in whole multiples of `step`: the first part adds into `sums` themselves,
 * every other part into {@link sharedFloat64} arrays of its own, added to `sums` at the end.
 * `args(start, end, outs)` gives a part's arguments.
 */
export function runSummingParts<A extends unknown[]>(
  task: HostTask<A>,
  n: number,
  step: number,
  sums: Float64Array[],
  args: (start: number, end: number, outs: Float64Array[]) => A,
): void {
  const ranges = splitRange(n, step);
  const outs = ranges.map((_, i) => (i === 0 ? sums : sums.map((a) => sharedFloat64(a.length))));
  runParts(
    task,
    ranges.map(([s, e], i) => args(s, e, outs[i])),
  );
  for (let i = 1; i < outs.length; i++)
    outs[i].forEach((part, j) => {
      const into = sums[j];
      for (let k = 0; k < into.length; k++) into[k] += part[k];
    });
}

/**
 * Splits `[0, n)` into up to {@link hostParts} ranges of whole multiples of `step`, none shorter
 * than `min` elements: `[start, end)` pairs, one range when the loop is too small to share.
 */
export function splitRange(n: number, step: number, min = 1 << 16): [number, number][] {
  const units = Math.ceil(n / step);
  const parts = Math.max(1, Math.min(hostParts(), units, Math.floor(n / min)));
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const a = Math.floor((units * p) / parts) * step;
    const b = Math.min(n, Math.floor((units * (p + 1)) / parts) * step);
    if (b > a) out.push([a, b]);
  }
  return out.length ? out : [[0, n]];
}
