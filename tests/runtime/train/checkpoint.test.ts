/**
 * Checkpoints: two epochs, a checkpoint, a fresh model and optimizer resumed from it for one
 * more epoch end with the weights of three epochs in one go; a checkpoint of another model,
 * under other options or damaged is refused with a message.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../runtime/build-model.js';
import {
  CHECKPOINT_FILE,
  type EpochRecord,
  readCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
} from '../../../runtime/train/checkpoint.js';
import { createOptimizer, type OptimizerSpec } from '../../../runtime/train/optimizers.js';
import { chainGraph } from '../helpers.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'netc-ckpt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const graph = chainGraph(
  [3],
  [
    ['dense', { units: 4, activation: 'relu' }],
    ['dense', { units: 2 }],
  ],
);
const X = () =>
  tf.tensor2d(
    [0.1, 0.5, -0.3, 1, -1, 0.2, 0.7, 0.7, 0.1, -0.4, 0.3, 0.9, 0.5, 0, -0.8, 0.2, 0.2, 0.2],
    [6, 3],
  );
const Y = () => tf.tensor2d([1, 0, 0, 1, 0.5, 0.5, -1, 2, 0, 0, 1, 1], [6, 2]);
const OPTIONS = { optimizer: 'adam', lr: 0.05, batch: 3 };

/** One epoch: two batches of three, in order. */
function epoch(model: tf.LayersModel, o: tf.Optimizer): void {
  for (const start of [0, 3]) {
    o.minimize(() =>
      tf.tidy(() => {
        const x = X().slice([start, 0], [3, 3]);
        const y = Y().slice([start, 0], [3, 2]);
        return tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor);
      }),
    );
  }
}

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe.each<[string, OptimizerSpec]>([
  ['adam', { name: 'adam', lr: 0.05 }],
  ['sgd + nesterov', { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true }],
  ['adamw', { name: 'adamw', lr: 0.05, weightDecay: 0.1 }],
])('resume with %s', (label, spec) => {
  it('2 epochs + a checkpoint + 1 epoch = 3 epochs', async () => {
    const straight = buildModel(graph, { seed: 1 });
    const o1 = createOptimizer(spec);
    for (let e = 0; e < 3; e++) epoch(straight, o1.optimizer);
    const want = weightsOf(straight);

    const first = buildModel(graph, { seed: 1 });
    const o2 = createOptimizer(spec);
    epoch(first, o2.optimizer);
    epoch(first, o2.optimizer);
    const history: EpochRecord[] = [{ loss: 1.5 }, { loss: NaN, lr: 0.05 }];
    const ckpt = join(dir, label);
    await saveCheckpoint(ckpt, graph, first, o2.optimizer, { epoch: 2, history, options: OPTIONS });

    // Another seed: the resumed weights come from the checkpoint, not the initialiser.
    const resumed = buildModel(graph, { seed: 2 });
    const o3 = createOptimizer(spec);
    const c = await readCheckpoint(ckpt, graph, OPTIONS);
    expect(c.epoch).toBe(2);
    expect(c.history).toEqual(history);
    await restoreCheckpoint(c, graph, resumed, o3.optimizer);
    expect(weightsOf(resumed)).toEqual(weightsOf(first));
    epoch(resumed, o3.optimizer);
    const got = weightsOf(resumed);
    got.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 6)));
    // Without the optimizer state the third epoch differs (so the test can fail).
    const cold = buildModel(graph, { seed: 2 });
    const o4 = createOptimizer(spec);
    tf.tidy(() => cold.setWeights(first.getWeights().map((w) => w.clone())));
    epoch(cold, o4.optimizer);
    const gap = Math.max(
      ...weightsOf(cold).flatMap((w, i) => w.map((v, j) => Math.abs(v - want[i][j]))),
    );
    expect(gap).toBeGreaterThan(1e-4);
    for (const m of [straight, first, resumed, cold]) m.dispose();
    for (const o of [o1, o2, o3, o4]) o.dispose();
  });
});

describe('refusals', () => {
  let ckpt: string;
  beforeAll(async () => {
    ckpt = join(dir, 'refusals');
    const model = buildModel(graph, { seed: 1 });
    const o = createOptimizer({ name: 'adam', lr: 0.05 });
    epoch(model, o.optimizer);
    await saveCheckpoint(ckpt, graph, model, o.optimizer, {
      epoch: 1,
      history: [],
      options: OPTIONS,
    });
    model.dispose();
    o.dispose();
  });

  it('another model', async () => {
    const other = chainGraph(
      [3],
      [
        ['dense', { units: 5 }],
        ['dense', { units: 2 }],
      ],
    );
    await expect(readCheckpoint(ckpt, other, OPTIONS)).rejects.toThrow(
      /checkpoint of another version of 'chain' \(its weights differ in name or shape\)/,
    );
    const renamed = { ...graph, name: 'other' };
    await expect(readCheckpoint(ckpt, renamed, OPTIONS)).rejects.toMatchObject({
      kind: 'mismatch',
      message: expect.stringMatching(/checkpoint of model 'chain', not 'other'/),
    });
  });

  it('other training options', async () => {
    await expect(readCheckpoint(ckpt, graph, { ...OPTIONS, optimizer: 'sgd' })).rejects.toThrow(
      /written with other training options: optimizer adam then, sgd now/,
    );
  });

  it('a damaged, truncated or missing file', async () => {
    const path = join(ckpt, CHECKPOINT_FILE);
    const good = await readFile(path);
    const flipped = Uint8Array.from(good);
    flipped[flipped.length - 5] ^= 0x40;
    await writeFile(path, flipped);
    await expect(readCheckpoint(ckpt, graph, OPTIONS)).rejects.toMatchObject({
      kind: 'unreadable',
      message: expect.stringMatching(/is not a usable checkpoint: its checksum does not match/),
    });
    await writeFile(path, good.subarray(0, good.length - 10));
    await expect(readCheckpoint(ckpt, graph, OPTIONS)).rejects.toThrow(
      /is not a usable checkpoint/,
    );
    await writeFile(path, good);
    await expect(readCheckpoint(ckpt, graph, OPTIONS)).resolves.toMatchObject({ epoch: 1 });
    await expect(readCheckpoint(join(dir, 'nowhere'), graph, OPTIONS)).rejects.toThrow(
      /cannot resume from .*nowhere: no checkpoint.safetensors there/,
    );
  });
});
