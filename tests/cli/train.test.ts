/**
 * `netc train`: the loss falls on a small separable task, progress lines (in place on a
 * terminal), saved weights that load back to identical predictions, target checks per loss,
 * and a diverging loss reported without saving.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, loadWeights } from '../../api/index.js';
import {
  graphOf,
  netc,
  predict,
  pseudoRandom,
  readArray,
  tempDir,
  writeArray,
  writeText,
} from './helpers.js';

const dir = tempDir();

const mlp = writeText(
  dir,
  'mlp.net',
  `model mlp(x: [6]) {
  return probs: x |> dense(8, activation: "relu") |> dense(3) |> softmax
}
`,
);

/** 48 examples of 6 features; class c lights up features c and c + 3. */
const N = 48;
const noise = pseudoRandom(N * 6, 21);
const xData = Array.from({ length: N * 6 }, (_, k) => {
  const [i, j] = [Math.floor(k / 6), k % 6];
  return (j % 3 === i % 3 ? 1 : 0) + 0.2 * noise[k];
});
const labels = Array.from({ length: N }, (_, i) => i % 3);
const oneHot = labels.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));

const x = await writeArray(dir, 'x.npy', [N, 6], xData);
const y = await writeArray(dir, 'y.npy', [N, 3], oneHot);
const yIdx = await writeArray(dir, 'y-idx.npy', [N], labels);

/** The loss of each `epoch k/n` line. */
const losses = (stdout: string) =>
  [...stdout.matchAll(/^epoch \d+\/\d+ .* loss (\S+)/gm)].map((m) => Number(m[1]));

describe('netc train', () => {
  it('the loss falls; the saved weights load back to the same predictions (run and API)', async () => {
    const save = join(dir, 'trained.safetensors');
    const r = await netc([
      'train',
      mlp,
      '--x',
      x,
      '--y',
      y,
      '--epochs',
      '6',
      '--batch-size',
      '8',
      '--lr',
      '0.1',
      '--momentum',
      '0.9',
      '--metrics',
      'accuracy',
      '--seed',
      '2',
      '--save',
      save,
      '--backend',
      'cpu',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const l = losses(r.stdout);
    expect(l).toHaveLength(6);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(l[5]).toBeLessThan(l[0] * 0.5);
    expect(r.stdout).toMatch(
      /^epoch 6\/6 {2}6\/6 {2}[\d.]+s {2}[\d.]+ ex\/s {2}loss \S+ {2}acc 1\.0000$/m,
    );
    expect(r.stdout).toContain(
      'data     48 examples, batch 8, sgd lr 0.1 momentum 0.9, loss categorical_crossentropy',
    );
    expect(r.stdout).toMatch(/^trained +6 epochs in /m);
    expect(r.stdout).toContain(`saved    weights to ${save} (safetensors)`);

    const out = join(dir, 'p.npy');
    const run = await netc([
      'run',
      mlp,
      '--input',
      x,
      '--output',
      out,
      '--weights',
      save,
      '--backend',
      'cpu',
    ]);
    expect(run.code).toBe(0);
    const model = buildModel(graphOf(mlp));
    await loadWeights(model, graphOf(mlp), save);
    const want = predict(model, [N, 6], xData);
    model.dispose();
    expect((await readArray(out)).data).toEqual(want);
  });

  it('adam, sparse class indices, a validation split and a tfjs folder; then training resumes from it', async () => {
    const folder = join(dir, 'trained-tfjs');
    const r = await netc([
      'train',
      mlp,
      '--x',
      x,
      '--y',
      yIdx,
      '--loss',
      'sparse_categorical_crossentropy',
      '--optimizer',
      'adam',
      '--lr',
      '0.05',
      '--epochs',
      '4',
      '--batch-size',
      '16',
      '--validation-split',
      '0.25',
      '--metrics',
      'accuracy',
      '--seed',
      '4',
      '--save',
      folder,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('data     36 examples + 12 for validation, batch 16, adam lr 0.05');
    expect(r.stdout).toMatch(
      /^epoch 1\/4 {2}3\/3 .* loss \S+ {2}acc \S+ {2}val_loss \S+ {2}val_acc \S+$/m,
    );
    const l = losses(r.stdout);
    expect(l[3]).toBeLessThan(l[0]);
    expect(existsSync(join(folder, 'model.json'))).toBe(true);

    const again = await netc([
      'train',
      mlp,
      '--x',
      x,
      '--y',
      y,
      '--epochs',
      '1',
      '--weights',
      folder,
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`weights from ${folder}`);
    expect(again.stdout).toContain('(weights not saved: no --save PATH)');
    // Resuming starts where training stopped: a low loss from the first epoch.
    expect(losses(again.stdout)[0]).toBeLessThan(l[0]);
  });

  it('on a terminal the epoch line updates in place, then its final line is printed', async () => {
    const r = await netc(
      [
        'train',
        mlp,
        '--x',
        x,
        '--y',
        y,
        '--epochs',
        '2',
        '--batch-size',
        '4',
        '--seed',
        '1',
        '--backend',
        'cpu',
      ],
      true,
    );
    expect(r.code).toBe(0);
    expect(r.status).toMatch(
      /\r\x1b\[Kepoch 1\/2 \[[=> ]{20}\] \d+\/12 {2}loss \S+ {2}[\d.]+ ex\/s {2}ETA [\d.]+s \(run [\d.]+s\)/,
    );
    expect(r.status).toContain('\r\x1b[Kepoch 2/2 [====================] 12/12');
    expect(r.status.endsWith('\r\x1b[K')).toBe(true); // cleared before the final line
    expect(r.stdout).toMatch(/^epoch 2\/2 {2}12\/12 /m);
    // Not on a terminal: no status line at all, the same final lines.
    const plain = await netc([
      'train',
      mlp,
      '--x',
      x,
      '--y',
      y,
      '--epochs',
      '2',
      '--batch-size',
      '4',
      '--seed',
      '1',
      '--backend',
      'cpu',
    ]);
    expect(plain.status).toBe('');
    expect(losses(plain.stdout)).toHaveLength(2);
  });

  it('targets are checked for the loss before training (exit 1)', async () => {
    const bad = await writeArray(
      dir,
      'y-bad.npy',
      [N],
      labels.map((c) => (c === 2 ? 3 : c)),
    );
    const short = await writeArray(dir, 'y-short.npy', [N - 1, 3], oneHot.slice(3));
    const cases: [string[], string][] = [
      [
        ['--y', yIdx],
        `target 'probs' expects [batch, 3], found [48] from ${yIdx} (categorical_crossentropy takes one-hot targets; for class indices use --loss sparse_categorical_crossentropy)`,
      ],
      [
        ['--y', bad, '--loss', 'sparse_categorical_crossentropy'],
        `target 'probs' from ${bad}: value 3 at index 2 is not a class index in [0, 3)`,
      ],
      [
        ['--y', y, '--loss', 'sparse_categorical_crossentropy'],
        `target 'probs' expects [batch], found [48, 3] from ${y} (sparse_categorical_crossentropy takes class indices)`,
      ],
      [['--y', short], `48 examples in the inputs (${x}) but 47 targets in ${short}`],
      [
        ['--y', y, '--validation-split', '0.99'],
        '--validation-split 0.99 of 48 examples leaves 0 to train on and 48 to validate: both need at least one',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await netc(['train', mlp, '--x', x, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim()).toBe(`netc: ${message}`);
    }
  });

  it('a loss that becomes NaN stops training: exit 1, nothing saved', async () => {
    const save = join(dir, 'diverged.safetensors');
    const linear = writeText(
      dir,
      'linear.net',
      'model linear(x: [6]) {\n  return y: x |> dense(3)\n}\n',
    );
    const big = await writeArray(
      dir,
      'x-big.npy',
      [N, 6],
      xData.map((v) => v * 1e6),
    );
    const r = await netc([
      'train',
      linear,
      '--x',
      big,
      '--y',
      y,
      '--loss',
      'mse',
      '--lr',
      '1e30',
      '--epochs',
      '3',
      '--seed',
      '1',
      '--save',
      save,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /netc: the loss became (NaN|Infinity) in epoch 1, batch \d+: try a lower --lr \(weights not saved\)/,
    );
    expect(existsSync(save)).toBe(false);
  });
});
