/**
 * wasm on 1 thread vs N (default 2), side by side: a 2048x2048 matmul (GFLOP/s) and ResNet-50
 * batch-1 inference (samples/resnet50.net through `loadModel`, the optimized graph), each thread
 * count in its own child process (the count is fixed per process). Prints the medians and the
 * speed-up ratios. Not a test: the figures depend on the machine and on what else runs on it.
 *
 * With `--rounds K` the two child processes run K times each, alternating (1, N, 1, N, ...), and
 * the medians over rounds are reported; `--markdown` prints a table (bench/run.ts, training part).
 *
 *   npx tsx bench/threads.ts [--threads N] [--runs R] [--rounds K] [--markdown]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadModel } from '../api/index.js';

interface Timings {
  threads: number;
  note?: string;
  /** Median seconds of one 2048x2048 matmul (with the read-back). */
  matmulS: number;
  /** Median seconds of one ResNet-50 batch-1 predict (with the read-back). */
  resnetS: number;
}

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    threads: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '1' },
    markdown: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Seconds per call of `fn`, the median of `runs` after one warm-up call. */
async function time(fn: () => Promise<void>): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}

async function child(threads: number): Promise<Timings> {
  const status = await initBackend('wasm', { threads });
  const n = 2048;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const matmulS = await time(async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  });
  tf.dispose([a, b]);
  const root = join(import.meta.dirname, '..');
  const model = await loadModel(join(root, 'samples', 'resnet50.net'), { seed: 1, optimize: true });
  const x = tf.randomUniform([1, 224, 224, 3]);
  const resnetS = await time(async () => {
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
  });
  return { threads: status.threads, note: status.note, matmulS, resnetS };
}

function runChild(threads: number): Promise<Timings> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', import.meta.filename, '--child', String(threads)];
    const p = spawn(process.execPath, [...args, '--runs', String(runs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`child with ${threads} threads exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Timings);
    });
  });
}

if (values.child !== undefined) {
  console.log(JSON.stringify(await child(Number(values.child))));
} else {
  const n = Number(values.threads);
  const ones: Timings[] = [];
  const manys: Timings[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    ones.push(await runChild(1));
    manys.push(await runChild(n));
  }
  const pick = (ts: Timings[]): Timings => ({
    ...ts[0],
    matmulS: median(ts.map((t) => t.matmulS)),
    resnetS: median(ts.map((t) => t.resnetS)),
  });
  const one = pick(ones);
  const many = pick(manys);
  if (values.markdown) {
    const rows = [
      `| | 1 thread | ${many.threads} threads | speed-up |`,
      '| --- | ---: | ---: | ---: |',
      `| matmul 2048x2048, GFLOP/s | ${((2 * 2048 ** 3) / one.matmulS / 1e9).toFixed(1)} | ` +
        `${((2 * 2048 ** 3) / many.matmulS / 1e9).toFixed(1)} | ${(one.matmulS / many.matmulS).toFixed(2)}x |`,
      `| ResNet-50 batch 1, ms | ${(one.resnetS * 1000).toFixed(0)} | ` +
        `${(many.resnetS * 1000).toFixed(0)} | ${(one.resnetS / many.resnetS).toFixed(2)}x |`,
    ];
    console.log(rows.join('\n'));
    console.log(
      `\nMedians of ${runs} runs per process, ${values.rounds} alternating process pairs` +
        `${many.note ? `; note: ${many.note}` : ''}.`,
    );
    process.exit(0);
  }
  const gflops = (s: number) => ((2 * 2048 ** 3) / s / 1e9).toFixed(1);
  const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
  const head = (t: Timings) => `${t.threads} thread${t.threads === 1 ? '' : 's'}`;
  console.log(`wasm threads, median of ${runs} runs (the CPU may be shared: figures are noisy)`);
  if (many.note) console.log(`note: ${many.note}`);
  console.log(`                          ${head(one).padEnd(12)}${head(many).padEnd(12)}ratio`);
  console.log(
    `matmul 2048x2048 GFLOP/s  ${gflops(one.matmulS).padEnd(12)}${gflops(many.matmulS).padEnd(12)}${(one.matmulS / many.matmulS).toFixed(2)}x`,
  );
  console.log(
    `ResNet-50 batch 1         ${ms(one.resnetS).padEnd(12)}${ms(many.resnetS).padEnd(12)}${(one.resnetS / many.resnetS).toFixed(2)}x`,
  );
}
