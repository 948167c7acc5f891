/**
 * Inference benchmark, side by side in one process: ResNet-50, ResNeXt-50 and Inception-v3 at
 * batch 1 and 8 (random weights, the same deterministic random input for every engine), on
 *
 *   - netc on tfjs wasm, unoptimized:  loadModel(sample, { seed: 1 })
 *   - netc on tfjs wasm, optimized:    loadModel(sample, { seed: 1, optimize: true })
 *   - netc on onnxruntime-node:        createOnnxRuntimeModel(graph, weights, { threads, optimize })
 *   - PyTorch → onnxruntime-node:      torchvision's model exported by bench/pytorch/export_onnx.py
 *   - the tfjs-layers baseline:        the model hand-written in plain tfjs-layers (bench/baselines/),
 *                                      Keras style; ResNeXt-50 as seed 001 builds it (split + 32
 *                                      convs + concat), at batch 1 only
 *
 * and PyTorch's own eager CPU time, measured by the Python script in its own process before the
 * Node side starts. Per model and batch: warm-up runs, then timed rounds interleaved over the
 * engines (A, B, C, D, E, A, B, ...), so that load from other jobs falls on all of them alike;
 * medians with min–max. The first output of each engine is compared with the unoptimized netc
 * model's (same weights, same input). Ratios are printed next to the targets of issue 5.
 *
 * Prints markdown to stdout (progress to stderr). `npx tsx bench/inference.ts [--rounds N]
 * [--rounds8 N] [--models ...] [--no-pytorch]` (see bench/lib/options.ts); `npm run bench` runs
 * it through bench/run.ts, which writes bench/results.md.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { checkFile } from '../compiler/compile.js';
import type { Graph } from '../compiler/ir/graph.js';
import { packageRoot } from '../compiler/package-root.js';
import { summarize } from '../compiler/summary.js';
import { readGraphWeights } from '../runtime/graph-weights.js';
import { initBackend, loadModel, type LoadOptions } from '../api/index.js';
import { INCEPTION_V3_KERAS_PARAMS, inceptionV3Keras } from './baselines/inception-v3-keras.js';
import { RESNET50_KERAS_PARAMS, resnet50Keras } from './baselines/resnet50-keras.js';
import { resnext50SeedStyle } from './baselines/resnext50-seed-style.js';
import {
  loadNetcOrt,
  loadOrt,
  netcOrtEngine,
  onnxFileEngine,
  tfjsEngine,
  type Engine,
  type Output,
} from './lib/engines.js';
import { parseBenchOptions } from './lib/options.js';
import { runPytorchExport, type TorchResult } from './lib/pytorch.js';
import {
  agreement,
  fmtInt,
  fmtMs,
  fmtRatio,
  fmtSci,
  median,
  medianRange,
  table,
  uniformInput,
  type Agreement,
} from './lib/stats.js';

const opts = parseBenchOptions();
const root = packageRoot();
const progress = (s: string) => process.stderr.write(`[bench/inference] ${s}\n`);

/** Pause between two engines' runs (not timed), so that onnxruntime's spinning threads settle. */
const SETTLE_MS = 20;
/** Relative-to-spread difference under which two engines' outputs count as agreeing. */
const AGREE_SPREAD = 1e-3;
/** Reference parameter count of seed 001's ResNeXt-50 (Keras count_params). */
const SEED_RESNEXT_PARAMS = 25_097_192;

type Column = 'wasm' | 'wasmOpt' | 'ort' | 'torchOrt' | 'baseline';
const COLUMNS: readonly { key: Column; title: string }[] = [
  { key: 'wasm', title: 'netc wasm unoptimized' },
  { key: 'wasmOpt', title: 'netc wasm optimized' },
  { key: 'ort', title: `netc onnxruntime (${opts.threads} thr)` },
  { key: 'torchOrt', title: `PyTorch → onnxruntime (${opts.threads} thr)` },
  { key: 'baseline', title: 'tfjs-layers baseline' },
];

interface ModelSpec {
  readonly key: string;
  readonly title: string;
  readonly sample: string;
  readonly baselineLabel: string;
  readonly baselineParams: number;
  readonly makeBaseline: () => tf.LayersModel;
  /** Batches the baseline runs at (default: all). */
  readonly baselineBatches?: readonly number[];
  /** Leave the baseline out of later rounds once its timed runs add up to this (ms)... */
  readonly baselineBudgetMs?: number;
  /** ...after at least this many runs. */
  readonly baselineMinRuns?: number;
  /** How torchvision's network differs from netc's sample. */
  readonly torchNote: string;
}

const SPECS: Record<string, ModelSpec> = {
  resnet50: {
    key: 'resnet50',
    title: 'ResNet-50',
    sample: 'samples/resnet50.net',
    baselineLabel: 'Keras-style tfjs-layers (`bench/baselines/resnet50-keras.ts`)',
    baselineParams: RESNET50_KERAS_PARAMS,
    makeBaseline: () => resnet50Keras(),
    torchNote:
      "torchvision's ResNet-50 is v1.5 (stride on the 3x3, no conv biases: 25,557,032 params, " +
      '4.1 GMACs) where Keras and netc have v1 (stride on the first 1x1, biased convs: ' +
      '25,636,712, 3.9 GMACs)',
  },
  resnext50: {
    key: 'resnext50',
    title: 'ResNeXt-50 32x4d',
    sample: 'samples/resnext50.net',
    baselineLabel:
      'seed-style tfjs-layers, split + 32 convs + concat (`bench/baselines/resnext50-seed-style.ts`)',
    baselineParams: SEED_RESNEXT_PARAMS,
    makeBaseline: () => resnext50SeedStyle(),
    baselineBatches: [1],
    baselineBudgetMs: 60_000,
    baselineMinRuns: 3,
    torchNote:
      "torchvision's resnext50_32x4d has the same layout; netc's (seed 001's) adds a stem bias " +
      'and counts BN statistics (25,097,192 vs 25,028,904 params)',
  },
  inception_v3: {
    key: 'inception_v3',
    title: 'Inception-v3',
    sample: 'samples/inception_v3.net',
    baselineLabel: 'Keras-style tfjs-layers (`bench/baselines/inception-v3-keras.ts`)',
    baselineParams: INCEPTION_V3_KERAS_PARAMS,
    makeBaseline: () => inceptionV3Keras(),
    torchNote:
      "torchvision's inception_v3 (aux_logits off) is the same network with BN gamma kept " +
      '(23,834,568 trainable params vs Keras 23,851,784 with BN statistics)',
  },
};

interface Run {
  readonly start: number;
  readonly wall: number;
  readonly gc: number;
}

interface Contender {
  readonly column: Column;
  readonly label: string;
  engine?: Engine;
  /** Why the column is empty. */
  na?: string;
  buildMs?: number;
  readonly batches?: readonly number[];
  readonly budgetMs?: number;
  readonly minRuns?: number;
  readonly runs: Map<number, Run[]>;
  readonly first: Map<number, Output>;
  readonly skipped: Map<number, number>;
}

interface ModelResult {
  readonly spec: ModelSpec;
  readonly params: number;
  readonly layers: { unopt?: number; opt?: number };
  readonly contenders: Map<Column, Contender>;
  readonly agreement: Map<string, Agreement>;
  /** Share of the machine's CPU time (all cores) that other processes used during the rounds. */
  readonly otherLoad: Map<number, number>;
  readonly notes: string[];
}

// ---- GC accounting ---------------------------------------------------------------------------

const gcs: { start: number; duration: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const g of list.getEntries()) gcs.push({ start: g.startTime, duration: g.duration });
});
gcObserver.observe({ entryTypes: ['gc'] });
const gcBetween = (start: number, end: number) =>
  gcs.filter((g) => g.start >= start && g.start < end).reduce((s, g) => s + g.duration, 0);

/**
 * CPU time of the whole machine (all cores) from /proc/stat, in seconds (USER_HZ 100): busy and
 * total. With this process's own CPU time it tells how much other jobs used while we timed.
 */
function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    const busy = user + nice + system + irq + softirq + (steal ?? 0);
    return { busy: busy / 100, total: (busy + idle + iowait) / 100 };
  } catch {
    return undefined;
  }
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

async function timed(engine: Engine): Promise<{ run: Run; out: Output }> {
  const start = performance.now();
  const out = await engine.forward();
  const end = performance.now();
  return { run: { start, wall: end - start, gc: 0 }, out };
}

function checkOutput(c: Contender, batch: number, out: Output): void {
  const ok = out.shape.length === 2 && out.shape[0] === batch && out.shape[1] === 1000;
  if (!ok)
    throw new Error(
      `${c.label}: output shape [${out.shape.join(', ')}], expected [${batch}, 1000]`,
    );
  if (!out.data.every(Number.isFinite)) throw new Error(`${c.label}: output has NaN or Infinity`);
}

async function build(
  c: Contender,
  make: () => Promise<Engine | string> | Engine | string,
): Promise<void> {
  const t0 = performance.now();
  try {
    const e = await make();
    if (typeof e === 'string') c.na = e;
    else c.engine = e;
  } catch (e) {
    c.na = `failed: ${message(e)}`;
  }
  c.buildMs = performance.now() - t0;
}

const contender = (column: Column, label: string, extra: Partial<Contender> = {}): Contender => ({
  column,
  label,
  runs: new Map(),
  first: new Map(),
  skipped: new Map(),
  ...extra,
});

// ---- the run ---------------------------------------------------------------------------------

// PyTorch first, alone on the machine: its eager timings are not interleaved with the rest.
let torch: TorchResult | string = 'skipped (--no-pytorch)';
if (opts.pytorch) {
  progress('PyTorch: export to ONNX (cached in bench/.cache/onnx) and eager timing');
  torch = await runPytorchExport(root, {
    python: opts.python,
    threads: opts.threads,
    rounds: opts.rounds,
    warmup: opts.warmup,
    batches: opts.batches,
  });
  if (typeof torch === 'string') progress(`PyTorch columns skipped: ${torch}`);
}
const ort = await loadOrt();
const createNetcOrt = loadNetcOrt();

await initBackend('wasm');
const backend = tf.getBackend();
if (backend !== 'wasm') throw new Error(`backend is '${backend}', expected 'wasm'`);

const started = performance.now();
const results: ModelResult[] = [];
for (const key of opts.models) {
  const spec = SPECS[key];
  const path = join(root, spec.sample);
  const notes: string[] = [];
  progress(`${spec.title}: building`);
  const checked = checkFile(path);
  if (!checked.ok || checked.graphs.length !== 1)
    throw new Error(`${spec.sample} does not compile`);
  const graph: Graph = checked.graphs[0];
  const params = summarize(graph).totalParams;

  const wasm = contender('wasm', `netc ${spec.sample}`);
  const wasmOpt = contender('wasmOpt', `netc ${spec.sample}, optimize`);
  const netcOrt = contender('ort', `netc ${spec.sample} on onnxruntime`);
  const torchOrt = contender('torchOrt', `torchvision ${key} on onnxruntime`);
  const baseline = contender('baseline', spec.baselineLabel, {
    batches: spec.baselineBatches,
    budgetMs: spec.baselineBudgetMs,
    minRuns: spec.baselineMinRuns,
  });
  const cs = new Map<Column, Contender>(
    [wasm, wasmOpt, netcOrt, torchOrt, baseline].map((c) => [c.column, c]),
  );
  const layers: ModelResult['layers'] = {};

  let unoptModel: tf.LayersModel | undefined;
  await build(wasm, async () => {
    unoptModel = await loadModel(path, { seed: 1, backend: 'wasm' });
    layers.unopt = unoptModel.layers.length;
    if (unoptModel.countParams() !== params)
      throw new Error(`tfjs counts ${unoptModel.countParams()} params, the compiler ${params}`);
    return tfjsEngine(unoptModel);
  });
  await build(wasmOpt, async () => {
    // Not a literal: this compiles whether or not LoadOptions has `optimize` yet.
    const options = { seed: 1, backend: 'wasm' as const, optimize: true };
    const model = await loadModel(path, options satisfies LoadOptions);
    layers.opt = model.layers.length;
    return tfjsEngine(model);
  });
  if (layers.opt !== undefined && layers.opt === layers.unopt)
    notes.push(
      `\`optimize: true\` changed nothing here (${layers.opt} layers either way): the ` +
        'optimizing passes are not (yet) effective, so the two wasm columns time the same model',
    );
  await build(netcOrt, async () => {
    if (!unoptModel) return 'n/a (no netc weights: the wasm model did not build)';
    const weights = readGraphWeights(unoptModel, graph);
    const model = await createNetcOrt(graph, weights, { threads: opts.threads, optimize: true });
    return netcOrtEngine(model);
  });
  await build(torchOrt, async () => {
    if (typeof torch === 'string') return `n/a (${torch})`;
    if (typeof ort === 'string') return `n/a (${ort})`;
    return onnxFileEngine(ort, torch.models[key].onnx, opts.threads);
  });
  await build(baseline, () => {
    const model = spec.makeBaseline();
    if (model.countParams() !== spec.baselineParams || spec.baselineParams !== params) {
      const n = model.countParams();
      model.dispose();
      throw new Error(
        `baseline has ${fmtInt(n)} params, reference ${fmtInt(spec.baselineParams)}, netc ${fmtInt(params)}`,
      );
    }
    return tfjsEngine(model);
  });

  const agree = new Map<string, Agreement>();
  const otherLoad = new Map<number, number>();
  for (const batch of opts.batches) {
    const shape = [batch, ...graph.inputs[0].shape.map((d) => (typeof d === 'number' ? d : 1))];
    const input = uniformInput(
      shape.reduce((a, b) => a * b, 1),
      7 + batch,
    );
    const active = [...cs.values()].filter(
      (c) => c.engine && !c.na && (!c.batches || c.batches.includes(batch)),
    );
    for (const c of active) c.engine!.prepare(shape, input);
    const warmup = batch === 1 ? opts.warmup : Math.min(opts.warmup, 1);
    const rounds = batch === 1 ? opts.rounds : opts.rounds8;
    progress(
      `${spec.title} batch ${batch}: ${plural(warmup, 'warm-up run')} + ${plural(rounds, 'round')} over ` +
        active.map((c) => c.column).join(', '),
    );

    const failed = (c: Contender, e: unknown) => {
      c.na = `failed at batch ${batch}: ${message(e)}`;
      progress(`${spec.title}: ${c.label}: ${c.na}`);
      active.splice(active.indexOf(c), 1);
    };
    // Warm-up; the first output of each engine is checked and kept for the comparison.
    for (const c of [...active]) {
      try {
        for (let i = 0; i < Math.max(warmup, 1); i++) {
          const { run, out } = await timed(c.engine!);
          if (i === 0) {
            checkOutput(c, batch, out);
            c.first.set(batch, out);
          }
          // With no warm-up asked for, the one run made for the check is the first timed one.
          if (warmup === 0) c.runs.set(batch, [run]);
          await sleep(SETTLE_MS);
        }
      } catch (e) {
        failed(c, e);
      }
    }
    const machine0 = machineCpu();
    const own0 = process.cpuUsage();
    for (let r = warmup === 0 ? 1 : 0; r < rounds; r++) {
      for (const c of [...active]) {
        const runs = c.runs.get(batch) ?? [];
        const spent = runs.reduce((s, run) => s + run.wall, 0);
        if (c.budgetMs !== undefined && runs.length >= (c.minRuns ?? 1) && spent > c.budgetMs) {
          c.skipped.set(batch, (c.skipped.get(batch) ?? 0) + 1);
          continue;
        }
        try {
          runs.push((await timed(c.engine!)).run);
          c.runs.set(batch, runs);
        } catch (e) {
          failed(c, e);
        }
        await sleep(SETTLE_MS);
      }
    }
    const machine1 = machineCpu();
    if (machine0 && machine1 && machine1.total > machine0.total) {
      const own = process.cpuUsage(own0);
      const others = machine1.busy - machine0.busy - (own.user + own.system) / 1e6;
      otherLoad.set(batch, Math.max(0, others / (machine1.total - machine0.total)));
    }
    const ref = wasm.first.get(batch);
    if (ref)
      for (const c of [wasmOpt, netcOrt]) {
        const out = c.first.get(batch);
        if (out) agree.set(`${c.column}@${batch}`, agreement(ref.data, out.data));
      }
  }
  await sleep(100); // let the GC observer catch up
  for (const c of cs.values())
    for (const runs of c.runs.values())
      for (let i = 0; i < runs.length; i++)
        runs[i] = { ...runs[i], gc: gcBetween(runs[i].start, runs[i].start + runs[i].wall) };
  for (const c of cs.values()) {
    try {
      await c.engine?.dispose();
    } catch (e) {
      notes.push(`disposing ${c.label} failed: ${message(e)}`);
    }
    c.engine = undefined;
  }
  results.push({ spec, params, layers, contenders: cs, agreement: agree, otherLoad, notes });
}
const totalS = (performance.now() - started) / 1000;
gcObserver.disconnect();

// ---- report ----------------------------------------------------------------------------------

const lines: string[] = [];
const out = (s = '') => lines.push(s);
const times = (m: ModelResult, col: Column, batch: number) =>
  m.contenders.get(col)!.runs.get(batch) ?? [];
const wallOf = (m: ModelResult, col: Column, batch: number) =>
  times(m, col, batch).map((r) => r.wall);
const torchInfo = typeof torch === 'string' ? undefined : torch;
const ortVersion =
  typeof ort === 'string' ? 'not available' : (ort.env?.versions?.common ?? 'version unknown');
const cpu = cpus();

out(
  `tfjs ${tf.version.tfjs}, backend \`${backend}\` (single-threaded in Node: tfjs-backend-wasm ` +
    `turns threads off there); onnxruntime-node ${ortVersion} with ${opts.threads} intra-op ` +
    `threads (the machine has ${cpu.length} cores)` +
    (torchInfo
      ? `; PyTorch ${torchInfo.torch}, torchvision ${torchInfo.torchvision}, ` +
        `${torchInfo.threads} threads, ONNX opset ${torchInfo.opset}`
      : `; PyTorch: ${torch}`) +
    '.',
);
out(
  `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at the end ` +
    `${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}.`,
);
out(
  `Random weights (netc: seed 1), the same random input for every engine; batch 1: ` +
    `${plural(opts.warmup, 'warm-up run')} then ${plural(opts.rounds, 'interleaved round')}; ` +
    `larger batches: ${plural(Math.min(opts.warmup, 1), 'warm-up run')} then ` +
    `${plural(opts.rounds8, 'round')}; ` +
    `${totalS.toFixed(0)} s in all` +
    (torchInfo ? ` (plus ${torchInfo.wallS.toFixed(0)} s for the PyTorch export and timing)` : '') +
    '. Times are per forward pass including the read-back of the output, ms: median (min–max).',
);
out();

const cell = (m: ModelResult, col: Column, batch: number): string => {
  const c = m.contenders.get(col)!;
  const w = wallOf(m, col, batch);
  if (w.length > 0) return medianRange(w);
  if (c.batches && !c.batches.includes(batch)) return '— (batch 1 only)';
  return c.na ?? 'n/a';
};
const naNotes = new Map<string, number>();
const footnote = (text: string): string => {
  if (!naNotes.has(text)) naNotes.set(text, naNotes.size + 1);
  return `n/a [${naNotes.get(text)}]`;
};
const rows: string[][] = [];
for (const m of results)
  for (const batch of opts.batches) {
    const eager = torchInfo?.models[m.spec.key]?.eager_ms[String(batch)];
    rows.push([
      m.spec.title,
      String(batch),
      ...COLUMNS.map(({ key }) => {
        const text = cell(m, key, batch);
        return text.startsWith('n/a') || text.startsWith('failed') ? footnote(text) : text;
      }),
      eager && eager.length > 0 ? medianRange(eager) : 'n/a',
      m.otherLoad.has(batch) ? `${(m.otherLoad.get(batch)! * 100).toFixed(0)}%` : 'n/a',
    ]);
  }
out(
  table(
    [
      'model',
      'batch',
      ...COLUMNS.map((c) => c.title),
      `PyTorch eager (${opts.threads} thr) ¹`,
      'other jobs ²',
    ],
    rows,
    'lrrrrrrrr',
  ),
);
out();
out(
  '¹ Measured by bench/pytorch/export_onnx.py in its own process before the Node side starts ' +
    '(not interleaved; torch.set_num_threads). Baselines: ' +
    results.map((m) => `${m.spec.title}: ${m.spec.baselineLabel}`).join('; ') +
    '.',
);
out();
out(
  `² The share of the machine's CPU time (all ${cpu.length} cores) that other processes used ` +
    'during the timed rounds (from /proc/stat, less this process): 0% on an idle machine.',
);
if (naNotes.size > 0) out();
for (const [text, n] of naNotes) out(`- [${n}] ${text.replace(/^n\/a \((.*)\)$/, '$1')}`);
out();

// Ratios against the targets of issue 5: how many times faster netc is than the other.
interface Ratio {
  readonly what: string;
  readonly value: number;
  readonly paired?: number[];
  readonly byMin: number;
  readonly target?: number;
}
const ratioOf = (m: ModelResult, slow: Column, fast: Column, batch: number) => {
  const a = times(m, slow, batch);
  const b = times(m, fast, batch);
  const value = median(a.map((r) => r.wall)) / median(b.map((r) => r.wall));
  // Per-round ratios over the rounds both ran in (interleaved: index i of each is round i).
  const n = Math.min(a.length, b.length);
  const paired = Array.from({ length: n }, (_, i) => a[i].wall / b[i].wall);
  const byMin = Math.min(...a.map((r) => r.wall)) / Math.min(...b.map((r) => r.wall));
  return { value, paired, byMin };
};
const ratios: Ratio[] = [];
const targetOf: Record<string, number> = { resnext50: 15, resnet50: 1.15, inception_v3: 1.15 };
for (const m of results)
  for (const batch of opts.batches) {
    if (
      !m.contenders.get('baseline')!.batches ||
      m.contenders.get('baseline')!.batches!.includes(batch)
    )
      ratios.push({
        what: `${m.spec.title}, batch ${batch}: tfjs-layers baseline / netc wasm optimized`,
        ...ratioOf(m, 'baseline', 'wasmOpt', batch),
        target: batch === 1 ? targetOf[m.spec.key] : undefined,
      });
  }
for (const m of results)
  for (const batch of opts.batches)
    ratios.push({
      what: `${m.spec.title}, batch ${batch}: PyTorch → onnxruntime / netc onnxruntime`,
      ...ratioOf(m, 'torchOrt', 'ort', batch),
      target: 0.95,
    });
for (const m of results)
  for (const batch of opts.batches)
    ratios.push({
      what: `${m.spec.title}, batch ${batch}: netc wasm optimized / netc onnxruntime`,
      ...ratioOf(m, 'wasmOpt', 'ort', batch),
      target: 5,
    });
for (const m of results)
  for (const batch of opts.batches)
    if (times(m, 'baseline', batch).length > 0)
      ratios.push({
        what: `${m.spec.title}, batch ${batch}: tfjs-layers baseline / netc onnxruntime`,
        ...ratioOf(m, 'baseline', 'ort', batch),
      });
for (const m of results)
  for (const batch of opts.batches)
    ratios.push({
      what: `${m.spec.title}, batch ${batch}: netc wasm unoptimized / optimized`,
      ...ratioOf(m, 'wasm', 'wasmOpt', batch),
    });
out('Ratios (time of the other / time of netc: above 1, netc is faster), by median times:');
out();
out(
  table(
    [
      'ratio',
      'measured (medians)',
      'per-round paired: median (min–max)',
      'fastest / fastest',
      'target',
      'verdict',
    ],
    ratios.map((r) => {
      const measured = Number.isFinite(r.value);
      const paired =
        r.paired && r.paired.length > 0
          ? `${fmtRatio(median(r.paired))} (${fmtRatio(Math.min(...r.paired))}–${fmtRatio(Math.max(...r.paired))})`
          : '—';
      const verdict =
        r.target === undefined
          ? '—'
          : !measured
            ? 'not measured'
            : r.value >= r.target
              ? '**met**'
              : '**not met**';
      return [
        r.what,
        measured ? `**${fmtRatio(r.value)}**` : 'n/a',
        paired,
        fmtRatio(r.byMin),
        r.target === undefined ? '—' : `≥ ${r.target}x`,
        verdict,
      ];
    }),
    'lrrrll',
  ),
);
out();
out(
  'The verdict goes by the medians. On a machine shared with other jobs the two-threaded ' +
    'onnxruntime runs suffer most (one busy core stalls every parallel op), so the ratios ' +
    'against onnxruntime move with the load: see the "other jobs" column above and the ' +
    'fastest-run ratios, the closest to what an idle machine gives.',
);
out();

// Agreement of the outputs (same weights, same input).
out(
  'Output agreement with netc wasm unoptimized (same weights, same input), first run: max |Δ| / ' +
    'max |ref| and, stricter for near-uniform softmax outputs, max |Δ| / max |ref − mean ref| ' +
    `(agree: the latter < ${AGREE_SPREAD}):`,
);
out();
const agreeCell = (a: Agreement | undefined) =>
  a
    ? `${fmtSci(a.rel)} / ${fmtSci(a.relSpread)} ${a.relSpread < AGREE_SPREAD ? 'agree' : '**DIFFER**'}`
    : 'n/a';
out(
  table(
    ['model', 'batch', 'netc wasm optimized', 'netc onnxruntime'],
    results.flatMap((m) =>
      opts.batches.map((batch) => [
        m.spec.title,
        String(batch),
        agreeCell(m.agreement.get(`wasmOpt@${batch}`)),
        agreeCell(m.agreement.get(`ort@${batch}`)),
      ]),
    ),
    'lrll',
  ),
);
out();

out('Models:');
out();
for (const m of results) {
  const c = m.contenders;
  const layerText =
    m.layers.unopt !== undefined
      ? `${m.layers.unopt} tfjs layers unoptimized, ${m.layers.opt ?? '?'} optimized`
      : 'no tfjs model';
  const torchParams = torchInfo?.models[m.spec.key]?.params;
  out(
    `- ${m.spec.title} (\`${m.spec.sample}\`): ${fmtInt(m.params)} params by the compiler, equal ` +
      `to the baseline's asserted reference ${fmtInt(m.spec.baselineParams)}` +
      `${m.params === m.spec.baselineParams ? '' : ' — **NOT EQUAL**'}; ${layerText}. Build ms: ` +
      COLUMNS.map(({ key, title }) => {
        const b = c.get(key)!.buildMs;
        return `${title} ${b === undefined || c.get(key)!.na?.startsWith('n/a') ? 'n/a' : fmtMs(b)}`;
      }).join(', ') +
      `. PyTorch: ${torchParams !== undefined ? `${fmtInt(torchParams)} trainable params; ` : ''}` +
      `${m.spec.torchNote}.`,
  );
  for (const n of m.notes) out(`  - ${n}`);
  for (const [batch, n] of c.get('baseline')!.skipped)
    out(
      `  - the baseline was left out of the last ${n} rounds at batch ${batch} (its timed runs ` +
        `passed ${(m.spec.baselineBudgetMs ?? 0) / 1000} s).`,
    );
}
out();
out('Timed runs in order, wall ms (V8 GC ms inside the run, when any):');
out();
for (const m of results)
  for (const batch of opts.batches) {
    const parts = COLUMNS.filter(({ key }) => times(m, key, batch).length > 0).map(
      ({ key, title }) =>
        `${title}: ${times(m, key, batch)
          .map((r) => (r.gc >= 1 ? `${fmtMs(r.wall)} (${fmtMs(r.gc)})` : fmtMs(r.wall)))
          .join(', ')}`,
    );
    out(`- ${m.spec.title}, batch ${batch}: ${parts.join('; ')}`);
  }
console.log(lines.join('\n'));
