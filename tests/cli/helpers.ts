/** Running `netc run / train / init` in-process with a capturing io, in a temporary folder. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll } from 'vitest';
import { main } from '../../cli/main.js';
import { checkFile } from '../../compiler/compile.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { readNpy, writeNpy } from '../../io/npy.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** What went to the in-place status line (only with `tty`). */
  status: string;
}

/** Runs `netc ARGS`; with `tty`, the io has a status line, as on a terminal. */
export async function netc(args: string[], tty = false): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const status: string[] = [];
  const code = await main(args, {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    color: false,
    ...(tty ? { status: (t: string) => void status.push(t) } : {}),
  });
  const lines = (chunks: string[]) => chunks.map((c) => (c.endsWith('\n') ? c : `${c}\n`)).join('');
  return { code, stdout: lines(out), stderr: lines(err), status: status.join('') };
}

/** A fresh temporary folder, removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netc-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export async function writeArray(
  dir: string,
  name: string,
  shape: number[],
  data: ArrayLike<number>,
): Promise<string> {
  const path = join(dir, name);
  await writeNpy(path, shape, Float32Array.from(data));
  return path;
}

export async function readArray(path: string): Promise<{ shape: number[]; data: number[] }> {
  const a = await readNpy(path);
  return { shape: a.shape, data: Array.from(a.data) };
}

/** Deterministic pseudo-random numbers in [-1, 1). */
export function pseudoRandom(n: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

export function graphOf(path: string, model?: string): Graph {
  const r = checkFile(path, { model });
  if (!r.ok || r.graphs.length !== 1) throw new Error(`test setup: ${path} does not compile`);
  return r.graphs[0];
}

/** `model.predict` on one input, as a plain array. */
export function predict(model: tf.LayersModel, shape: number[], data: number[]): number[] {
  return tf.tidy(() => {
    const y = model.predict(tf.tensor(data, shape, 'float32')) as tf.Tensor;
    return Array.from(y.dataSync());
  });
}

/** A one-input classifier (dense relu, dense, softmax) that run tests on tfjs and onnxruntime share. */
export const TINY_SOURCE = `model tiny(x: [6]) {
  return y: x |> dense(8, activation: "relu") |> dense(3) |> softmax
}
`;
