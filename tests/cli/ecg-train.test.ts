/**
 * The ECG sample trains through the CLI on the wasm backend with SGD (momentum 0.9) and
 * categorical cross-entropy: one epoch on a tiny synthetic batch gives a finite loss, and the
 * saved weights load back (through `netc run --weights` and the API) to the same predictions.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../compiler/package-root.js';
import { buildModel, loadWeights } from '../../api/index.js';
import { graphOf, netc, predict, pseudoRandom, readArray, tempDir, writeArray } from './helpers.js';
import { maxDiff } from '../runtime/helpers.js';
import { shardOf } from '../io/tfjs-shards.js';

const dir = tempDir();
const ecg = join(packageRoot(), 'samples', 'ecg_resnet.net');

describe('netc train samples/ecg_resnet.net', () => {
  it('one epoch of SGD momentum 0.9 on 8 examples: a finite loss, weights that load back', async () => {
    const n = 8;
    const noise = pseudoRandom(n * 1280, 9);
    // Each class a sine of its own frequency, plus noise.
    const xData = noise.map((v, k) => {
      const [i, t] = [Math.floor(k / 1280), k % 1280];
      return Math.sin((t * (1 + (i % 5)) * Math.PI) / 64) + 0.1 * v;
    });
    const yData = Array.from({ length: n * 5 }, (_, k) =>
      k % 5 === Math.floor(k / 5) % 5 ? 1 : 0,
    );
    const x = await writeArray(dir, 'x.npy', [n, 1280, 1], xData);
    const y = await writeArray(dir, 'y.npy', [n, 5], yData);
    const save = join(dir, 'ecg-weights');

    const r = await netc([
      'train',
      ecg,
      '--x',
      x,
      '--y',
      y,
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--optimizer',
      'sgd',
      '--lr',
      '0.01',
      '--momentum',
      '0.9',
      '--loss',
      'categorical_crossentropy',
      '--metrics',
      'accuracy',
      '--seed',
      '1',
      '--backend',
      'wasm',
      '--save',
      save,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('model    ecg_resnet');
    expect(r.stdout).toContain('on wasm');
    expect(r.stdout).toContain('sgd lr 0.01 momentum 0.9, loss categorical_crossentropy');
    const loss = Number(/^epoch 1\/1 {2}1\/1 .* loss (\S+)/m.exec(r.stdout)?.[1]);
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);
    expect(r.stdout).toContain(`saved    weights to ${save} (model.json + ${shardOf(save).name})`);

    const out = join(dir, 'probs.npy');
    const run = await netc([
      'run',
      ecg,
      '--input',
      x,
      '--weights',
      save,
      '--output',
      out,
      '--no-optimize',
    ]);
    expect(run.code).toBe(0);
    const model = buildModel(graphOf(ecg));
    await loadWeights(model, graphOf(ecg), save);
    const want = predict(model, [n, 1280, 1], xData);
    model.dispose();
    const got = await readArray(out);
    expect(got.shape).toEqual([n, 5]);
    expect(got.data).toEqual(want);
    expect(got.data.every(Number.isFinite)).toBe(true);

    // By default run takes the optimized graph (BN folded, dropout gone): the same within rounding.
    const fast = join(dir, 'probs-optimized.npy');
    const opt = await netc(['run', ecg, '--input', x, '--weights', save, '--output', fast]);
    expect(opt.code).toBe(0);
    expect(opt.stdout).toMatch(/^graph +optimized for inference: 82 ops -> 51 /m);
    const optimized = await readArray(fast);
    expect(optimized.data).not.toEqual(want);
    expect(maxDiff(optimized.data, want)).toBeLessThan(1e-5);
  });
});
