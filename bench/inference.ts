/**
 * Inference benchmark on the tfjs wasm backend (single thread in Node), batch 1, random float
 * input, random weights, all models timed side by side in one process:
 *
 *   A. netc `samples/resnext50.net` (loadModel, seed 1)
 *   B. netc `samples/inception_v3.net` (loadModel, seed 1)
 *   C. the same ResNeXt-50 32x4d built the way seed 001 builds it (bench/baselines/), where each
 *      grouped 3x3 convolution is 32 channel slices + 32 conv2d layers + a concatenate.
 *
 * Each model is warmed up, then timed runs are interleaved round-robin (A, B, C, A, B, C, ...), so
 * that load from other jobs on the machine falls on all of them alike; the ratio C / A is the
 * figure that matters, absolute times are only indicative. Besides wall time, each run's process
 * CPU time (less sensitive to other jobs taking the core) and the V8 garbage-collection time that
 * fell inside it are recorded. Prints markdown to stdout.
 *
 * `npx tsx bench/inference.ts [rounds]` (default 11); `npm run bench` runs it through bench/run.ts,
 * which also writes bench/results.md.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { packageRoot } from '../compiler/package-root.js';
import { initBackend, loadModel } from '../runtime/index.js';
import { resnext50SeedStyle } from './baselines/resnext50-seed-style.js';

const ROUNDS = Number(process.argv[2] ?? 11);
const WARMUP = 2;
/** The seed-style model runs in at least this many rounds... */
const SEED_STYLE_MIN_RUNS = 3;
/** ...and is left out of later rounds once its timed runs add up to more than this. */
const SEED_STYLE_BUDGET_MS = 90_000;
/** Reference parameter count of seed 001's ResNeXt-50 (Keras count_params, BN statistics included). */
const REFERENCE_PARAMS = 25_097_192;

interface Run {
  readonly start: number;
  readonly end: number;
  readonly wall: number;
  readonly cpu: number;
}

interface Entry {
  readonly key: string;
  readonly label: string;
  readonly model: tf.LayersModel;
  readonly input: tf.Tensor;
  readonly buildMs: number;
  readonly runs: Run[];
  skipped: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(`bench/inference: ${message}`);
}

/** V8 garbage collections (start and duration, ms on the performance clock). */
const gcs: { start: number; duration: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const g of list.getEntries()) gcs.push({ start: g.startTime, duration: g.duration });
});
gcObserver.observe({ entryTypes: ['gc'] });
const gcDuring = (r: Run) =>
  gcs.filter((g) => g.start >= r.start && g.start < r.end).reduce((s, g) => s + g.duration, 0);

/** One forward pass, timed including the read-back that forces execution. */
async function forward(e: Entry): Promise<Run> {
  const before = tf.memory().numTensors;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const out = tf.tidy(() => e.model.predict(e.input) as tf.Tensor);
  await out.data();
  const end = performance.now();
  const cpu = process.cpuUsage(cpu0);
  assert(
    out.shape.length === 2 && out.shape[0] === 1 && out.shape[1] === 1000,
    `${e.label}: output shape [${out.shape.join(', ')}], expected [1, 1000]`,
  );
  out.dispose();
  assert(
    tf.memory().numTensors === before,
    `${e.label}: leaked ${tf.memory().numTensors - before} tensors`,
  );
  return { start, end, wall: end - start, cpu: (cpu.user + cpu.system) / 1000 };
}

async function build(
  key: string,
  label: string,
  make: () => Promise<tf.LayersModel> | tf.LayersModel,
): Promise<Entry> {
  const t0 = performance.now();
  const model = await make();
  const buildMs = performance.now() - t0;
  const shape = model.inputs[0].shape.map((d) => d ?? 1);
  const input = tf.randomUniform(shape, 0, 1, 'float32', 7);
  return { key, label, model, input, buildMs, runs: [], skipped: 0 };
}

const fmt = (ms: number) => ms.toFixed(0);
const fmtInt = (n: number) => n.toLocaleString('en-US');
const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;

await initBackend('wasm');
const backend = tf.getBackend();
assert(backend === 'wasm', `backend is '${backend}', expected 'wasm'`);
const root = packageRoot();
const cpu = cpus();

const a = await build('A', 'netc `samples/resnext50.net`', () =>
  loadModel(join(root, 'samples/resnext50.net'), { seed: 1 }),
);
const b = await build('B', 'netc `samples/inception_v3.net`', () =>
  loadModel(join(root, 'samples/inception_v3.net'), { seed: 1 }),
);
const c = await build('C', 'ResNeXt-50 seed-style (tfjs-layers, 32 slices + 32 convs)', () =>
  resnext50SeedStyle(),
);
const entries = [a, b, c];

const seedParams = c.model.countParams();
assert(
  seedParams === REFERENCE_PARAMS,
  `seed-style ResNeXt-50 has ${fmtInt(seedParams)} parameters, reference ${fmtInt(REFERENCE_PARAMS)}`,
);
const seedOut = c.model.outputs[0].shape;
assert(
  seedOut.length === 2 && seedOut[1] === 1000,
  `seed-style output shape [${seedOut.join(', ')}]`,
);

// Warm-up; the first forward pass also checks every model's actual [1, 1000] output.
for (const e of entries) for (let i = 0; i < WARMUP; i++) await forward(e);

const t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  for (const e of entries) {
    const spent = e.runs.reduce((s, run) => s + run.wall, 0);
    if (e === c && e.runs.length >= SEED_STYLE_MIN_RUNS && spent > SEED_STYLE_BUDGET_MS) {
      e.skipped++;
      continue;
    }
    e.runs.push(await forward(e));
  }
}
const totalS = (performance.now() - t0) / 1000;
await new Promise((resolve) => setTimeout(resolve, 100)); // let the GC observer catch up
gcObserver.disconnect();

const wall = (e: Entry) => e.runs.map((r) => r.wall);
const cpuMs = (e: Entry) => e.runs.map((r) => r.cpu);
const gcMs = (e: Entry) => e.runs.map(gcDuring);
// Paired ratio per round (C and A timed back to back, so they share the machine's load).
const paired = c.runs.map((r, i) => r.wall / a.runs[i].wall);
const ratio = (f: (e: Entry) => number[]) => (median(f(c)) / median(f(a))).toFixed(2);

const lines: string[] = [];
const out = (s = '') => lines.push(s);
out(`tfjs ${tf.version.tfjs}, backend \`${backend}\` (single thread), Node ${process.version}`);
out(
  `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores; load average at the end ` +
    `${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
);
out(
  `batch 1, random float input, random weights; ${WARMUP} warm-up runs each, then ${ROUNDS} ` +
    `interleaved rounds (A, B, C, A, B, C, ...), ${totalS.toFixed(0)} s in all`,
);
out();
out(
  '| | model | input | params | build ms | runs | median ms | min–max ms | median CPU ms | median GC ms |',
);
out('|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const e of entries) {
  const shape = e.input.shape.slice(1).join('x');
  out(
    `| ${e.key} | ${e.label} | ${shape} | ${fmtInt(e.model.countParams())} | ${fmt(e.buildMs)} | ` +
      `${e.runs.length} | ${fmt(median(wall(e)))} | ${range(wall(e))} | ` +
      `${fmt(median(cpuMs(e)))} | ${fmt(median(gcMs(e)))} |`,
  );
}
out();
out(
  `ResNeXt-50, seed-style / netc (C / A): **${ratio(wall)}x** by median wall time ` +
    `(per-round paired ratios: median ${median(paired).toFixed(2)}x, range ` +
    `${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)}x); ` +
    `${ratio(cpuMs)}x by median CPU time.`,
);
out(
  `C's parameter count is asserted equal to the reference ${fmtInt(REFERENCE_PARAMS)} ` +
    `(netc's A: ${fmtInt(a.model.countParams())}); every output is asserted to be [1, 1000]. ` +
    `CPU = user + system time of the process (GC helper threads included); GC = V8 ` +
    `garbage-collection pauses that started during the run.`,
);
out();
out('Timed runs in order, wall ms (GC ms):');
out();
for (const e of entries)
  out(`- ${e.key}: ${e.runs.map((r) => `${fmt(r.wall)} (${fmt(gcDuring(r))})`).join(', ')}`);
if (c.skipped > 0)
  out(
    `\nThe seed-style model was left out of the last ${c.skipped} rounds (its timed runs ` +
      `exceeded ${SEED_STYLE_BUDGET_MS / 1000} s after ${c.runs.length}).`,
  );
console.log(lines.join('\n'));

for (const e of entries) {
  e.input.dispose();
  e.model.dispose();
}
