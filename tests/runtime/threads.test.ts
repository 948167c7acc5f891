/**
 * Multithreaded wasm in Node (runtime/wasm-threads.ts): one thread and two give the same numbers
 * within float rounding, the two-thread process really has two XNNPACK threads, the gradient
 * kernels train the same on two, the one-thread fallback says why, and `netc run` exits by itself.
 * Each configuration runs in a child process, since the thread count is fixed per process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../io/npy.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Child {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node --import tsx ARGS` in the repo root (killed after `timeoutMs`). */
function runNode(args: string[], timeoutMs = 120_000): Promise<Child> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/**
 * The child: starts wasm on THREADS, runs a matmul and a small conv net on fixed pseudo-random
 * data, and fits a small conv model (the gradient kernels of runtime/wasm-kernels.ts) for a few
 * steps without shuffling; prints one JSON line.
 */
const CHILD = `
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadModel } from './api/index.ts';
const threads = Number(process.env.THREADS);
// Simulates a runtime without it (tsx's loader needs it, so no V8 flag can turn it off here).
if (process.env.NO_SAB) delete globalThis.SharedArrayBuffer;
const status = await initBackend('wasm', { threads });
let s = 12345;
const rand = (n) => Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 31 - 1));
const a = rand(96 * 130), b = rand(130 * 70);
const mm = tf.matMul(tf.tensor2d(a, [96, 130]), tf.tensor2d(b, [130, 70])).dataSync();
const x = tf.tensor4d(rand(2 * 24 * 24 * 8), [2, 24, 24, 8]);
const w1 = tf.tensor4d(rand(3 * 3 * 8 * 16), [3, 3, 8, 16]);
const w2 = tf.tensor4d(rand(3 * 3 * 16 * 32), [3, 3, 16, 32]);
const h = tf.relu(tf.conv2d(x, w1, 1, 'same'));
const conv = tf.conv2d(tf.maxPool(h, 2, 2, 'valid'), w2, 2, 'same').dataSync();
const model = await loadModel(process.env.NET, { seed: 3 });
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
const xs = tf.tensor4d(rand(16 * 12 * 12 * 3), [16, 12, 12, 3]);
const ys = tf.oneHot(tf.tensor1d([0,1,2,3,0,1,2,3,3,2,1,0,0,1,2,3], 'int32'), 4);
const hist = await model.fit(xs, ys, { epochs: 4, batchSize: 8, shuffle: false, verbose: 0 });
console.log(JSON.stringify({ status, mm: Array.from(mm), a: Array.from(a), b: Array.from(b), conv: Array.from(conv), loss: hist.history.loss }));
`;

interface ChildResult {
  status: { name: string; threads: number; note?: string };
  mm: number[];
  a: number[];
  b: number[];
  conv: number[];
  loss: number[];
}

const dir = mkdtempSync(join(tmpdir(), 'netc-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIT_NET = writeNet(
  'fit.net',
  'model t(x: [12, 12, 3]) {\n  return y: x |> conv2d(8, 3, activation: "relu") |> max_pool2d(2) |> flatten |> dense(4) |> softmax\n}\n',
);

function writeNet(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function child(threads: number, noSharedArrayBuffer = false): Promise<ChildResult> {
  process.env.THREADS = String(threads);
  if (noSharedArrayBuffer) process.env.NO_SAB = '1';
  else delete process.env.NO_SAB;
  process.env.NET = FIT_NET;
  const r = await runNode(['--input-type=module', '-e', CHILD]);
  if (r.code !== 0) throw new Error(`child (threads ${threads}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

/** max |x - y| / max(|y|, 1e-3 * max|y|) over the elements. */
function maxRelDiff(x: number[], y: number[]): number {
  expect(x.length).toBe(y.length);
  const scale = Math.max(...y.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < x.length; i++)
    worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(Math.abs(y[i]), 1e-3 * scale));
  return worst;
}

describe('wasm on two threads in Node', () => {
  it('gives the numbers of one thread (matmul, conv net, fit), on 2 XNNPACK threads', async () => {
    const one = await child(1);
    const two = await child(2);
    expect(one.status).toEqual({ name: 'wasm', threads: 1, note: '1 thread asked' });
    expect(two.status).toEqual({ name: 'wasm', threads: 2 });

    // The matmul against a naive reference (float64 sums), then 1 vs 2 threads.
    const [m, k, n] = [96, 130, 70];
    const ref: number[] = [];
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += one.a[i * k + p] * two.b[p * n + j];
        ref.push(acc);
      }
    expect(maxRelDiff(two.mm, ref)).toBeLessThan(1e-4);
    expect(maxRelDiff(two.mm, one.mm)).toBeLessThanOrEqual(1e-5);
    expect(two.conv.length).toBe(2 * 6 * 6 * 32);
    expect(maxRelDiff(two.conv, one.conv)).toBeLessThanOrEqual(1e-5);

    // The fit: losses fall, and the same on both (float rounding compounds over 8 steps).
    expect(two.loss[3]).toBeLessThan(two.loss[0]);
    expect(maxRelDiff(two.loss, one.loss)).toBeLessThanOrEqual(1e-4);
  }, 300_000);

  it('falls back to one thread, saying why, without SharedArrayBuffer', async () => {
    const r = await child(2, true);
    expect(r.status).toEqual({
      name: 'wasm',
      threads: 1,
      note: 'SharedArrayBuffer is not available',
    });
  }, 120_000);

  describe('netc run', () => {
    it('on a tiny model runs on 2 threads and exits by itself', async () => {
      const net = writeNet(
        'tiny.net',
        'model tiny(x: [6]) {\n  return y: x |> dense(8, activation: "relu") |> dense(3) |> softmax\n}\n',
      );
      const x = join(dir, 'x.npy');
      await writeNpy(
        x,
        [2, 6],
        Float32Array.from({ length: 12 }, (_, i) => i / 12),
      );
      const main = `import { main } from './cli/main.ts'; process.exitCode = await main(process.argv.slice(1));`;
      const args = ['--input-type=module', '-e', main, 'run', net, '--input', x, '--seed', '1'];
      const r = await runNode([...args, '--threads', '2'], 60_000);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^model {4}tiny \(.*\) on wasm \(2 threads\), initial weights/m);
    }, 90_000);
  });
});
