/**
 * Weights trained with `netc train --save` go straight into a compiled module by every path of
 * docs/apps.md: the safetensors file and the tfjs folder `train` writes, into a plain module;
 * `netc compile --optimize --weights W` and `netc weights convert --fold` (to a tfjs folder and
 * to safetensors, from either format), into an optimized one; `netc weights convert` unfolded,
 * into a plain one. Each predicts what `netc run --weights W --no-optimize` does (1e-5), and
 * the model has batch norm, so folding changes the weights (an optimized module refuses W).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netc, pseudoRandom, readArray, writeArray, writeText } from '../cli/helpers.js';
import { maxDiff, useBackend } from '../runtime/helpers.js';
import { scratchDir } from './helpers.js';

interface Compiled {
  createModel(): tf.LayersModel;
  loadTfjsWeights(
    model: tf.LayersModel,
    modelJson: string,
    read: (path: string) => Promise<Uint8Array>,
  ): Promise<void>;
  loadSafetensorsWeights(model: tf.LayersModel, bytes: Uint8Array): void;
}

const dir = scratchDir();
const at = (name: string) => join(dir, name);
const SOURCE = `model small(x: [6, 6, 2]) {
  return y: x |> conv2d(4, 3) |> batch_norm |> relu |> global_avg_pool2d |> dense(3) |> softmax
}
`;
const file = writeText(dir, 'small.net', SOURCE);
const N = 16;
const input = pseudoRandom(N * 6 * 6 * 2, 21);
let want: number[];

async function ok(...args: string[]): Promise<string> {
  const r = await netc(args);
  expect(r.code, `netc ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

async function compile(name: string, ...args: string[]): Promise<Compiled> {
  await ok('compile', file, '-o', at(`${name}.ts`), ...args);
  return (await import(pathToFileURL(at(`${name}.ts`)).href)) as Compiled;
}

const predict = (model: tf.LayersModel): number[] =>
  tf.tidy(() => [...(model.predict(tf.tensor(input, [N, 6, 6, 2])) as tf.Tensor).dataSync()]);

const fromSafetensors = (m: Compiled, path: string): number[] => {
  const model = m.createModel();
  m.loadSafetensorsWeights(model, new Uint8Array(readFileSync(path)));
  return predict(model);
};

const fromFolder = async (m: Compiled, folder: string): Promise<number[]> => {
  const model = m.createModel();
  const json = await readFile(join(folder, 'model.json'), 'utf8');
  await m.loadTfjsWeights(model, json, (p) => readFile(join(folder, p)));
  return predict(model);
};

beforeAll(async () => {
  await useBackend('wasm');
  const x = await writeArray(dir, 'x.npy', [N, 6, 6, 2], input);
  const labels = Array.from({ length: N * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
  const y = await writeArray(dir, 'y.npy', [N, 3], labels);
  const train = ['train', file, '--x', x, '--y', y, '--epochs', '2', '--batch-size', '4'];
  await ok(...train, '--seed', '5', '--save', at('w.safetensors'));
  await ok(...train, '--seed', '5', '--save', at('w-folder'));
  await ok(
    'run',
    file,
    '--input',
    x,
    '--output',
    at('want.npy'),
    '--weights',
    at('w.safetensors'),
    '--no-optimize',
  );
  want = (await readArray(at('want.npy'))).data;
}, 120_000);
afterAll(() => void tf.disposeVariables());

describe('netc train --save, then a compiled module', () => {
  it('plain module: the safetensors file and the tfjs folder train wrote, and convert unfolded', async () => {
    const m = await compile('plain');
    expect(maxDiff(fromSafetensors(m, at('w.safetensors')), want)).toBeLessThan(1e-5);
    // The same seed and data: train wrote the same weights to the folder.
    expect(maxDiff(await fromFolder(m, at('w-folder')), want)).toBeLessThan(1e-5);
    // Training moved the weights: the initial ones of the same seed predict otherwise.
    await ok('init', file, '--seed', '5', '--save', at('init.safetensors'));
    expect(maxDiff(fromSafetensors(m, at('init.safetensors')), want)).toBeGreaterThan(1e-4);
    await ok('weights', 'convert', file, at('w.safetensors'), at('converted'));
    expect(maxDiff(await fromFolder(m, at('converted')), want)).toBeLessThan(1e-5);
    await ok('weights', 'convert', file, at('w-folder'), at('converted.safetensors'));
    expect(maxDiff(fromSafetensors(m, at('converted.safetensors')), want)).toBeLessThan(1e-5);
  });

  it('optimized module: compile --weights, and convert --fold to either format from either', async () => {
    const m = await compile('opt', '--optimize', '--weights', at('w.safetensors'));
    expect(maxDiff(fromSafetensors(m, at('opt.weights.safetensors')), want)).toBeLessThan(1e-5);
    await ok('weights', 'convert', file, at('w.safetensors'), at('folded'), '--fold');
    expect(maxDiff(await fromFolder(m, at('folded')), want)).toBeLessThan(1e-5);
    await ok('weights', 'convert', file, at('w-folder'), at('folded.safetensors'), '--fold');
    expect(maxDiff(fromSafetensors(m, at('folded.safetensors')), want)).toBeLessThan(1e-5);
    // The trained (unfolded) weights are not this module's.
    expect(() => fromSafetensors(m, at('w.safetensors'))).toThrow(/unfolded weights/);
  });
});
