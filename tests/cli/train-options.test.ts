/**
 * `netc train`'s training options end to end, on a small batch-norm MLP on the cpu backend:
 * a run resumed from its checkpoint equals the uninterrupted run bit for bit (weights,
 * optimizer state, epoch, shuffle seed; with adamw, a step schedule and a warm-up), resuming
 * under other options is refused, given validation data, early stopping restoring the best
 * epoch's weights (equal to a run stopped there), the log (JSONL and CSV) and the curves,
 * uint8 inputs scaled per batch equal to the same values given as float32, the optimizer
 * options, and the usage errors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWeightsFile } from '../../io/weights-file.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import { graphOf, netc, pseudoRandom, tempDir, writeArray, writeText } from './helpers.js';

const dir = tempDir();
const source = writeText(
  dir,
  'bn.net',
  `model bn(x: [6]) {
  return logits: x |> dense(8, bias: false) |> batch_norm(momentum: 0.5) |> relu |> dense(3, name: "head")
}
`,
);
const graph = graphOf(source);

/** 40 examples in 3 classes (class c lights up features c and c + 3) and 12 to validate. */
function task(n: number, seed: number): { x: number[]; labels: number[] } {
  const noise = pseudoRandom(n * 6, seed);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const x = Array.from({ length: n * 6 }, (_, k) => {
    const [i, j] = [Math.floor(k / 6), k % 6];
    return (j % 3 === labels[i] ? 1 : 0) + 0.3 * noise[k];
  });
  return { x, labels };
}
const train = task(40, 5);
const val = task(12, 9);
const x = await writeArray(dir, 'x.npy', [40, 6], train.x);
const y = await writeArray(dir, 'y.npy', [40], train.labels);
const vx = await writeArray(dir, 'vx.npy', [12, 6], val.x);
const vy = await writeArray(dir, 'vy.npy', [12], val.labels);

const base = [
  'train',
  source,
  '--x',
  x,
  '--y',
  y,
  '--loss',
  'sparse_categorical_crossentropy',
  '--batch-size',
  '8',
  '--backend',
  'cpu',
];

async function ok(args: string[]): Promise<string> {
  const r = await netc([...base, ...args]);
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

const weightsOf = (path: string): Promise<GraphWeights> => readWeightsFile(path, graph);

/** The same weights: bit for bit, or within `tol` relative to the largest magnitude. */
function expectSameWeights(a: GraphWeights, b: GraphWeights, tol = 0): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [k, w] of a) {
    const got = Array.from(b.get(k)!.data);
    if (tol === 0) expect(got, k).toEqual(Array.from(w.data));
    else {
      const scale = Math.max(1, ...Array.from(w.data, Math.abs));
      const diff = Math.max(...got.map((v, i) => Math.abs(v - w.data[i])));
      expect(diff / scale, k).toBeLessThan(tol);
    }
  }
}

/** The `epoch k/n ... loss L` lines' losses. */
const losses = (stdout: string) =>
  [...stdout.matchAll(/^epoch \d+\/\d+ .* loss (\S+)/gm)].map((m) => Number(m[1]));

describe('netc train: checkpoints and --resume', () => {
  const recipe = [
    '--optimizer',
    'adamw',
    '--lr',
    '0.02',
    '--weight-decay',
    '0.1',
    '--schedule',
    'step:1:0.5',
    '--warmup',
    '3steps',
    '--metrics',
    'accuracy',
  ];

  it('1 epoch, then --resume to 2, equals 2 epochs at once (adamw: within float rounding), log included', async () => {
    const whole = join(dir, 'whole.safetensors');
    const all = await ok([...recipe, '--epochs', '2', '--seed', '3', '--save', whole]);
    expect(all).toContain('adamw lr 0.02 weight decay 0.1');
    expect(all).toContain('schedule times 0.5 every 1 epoch after 3 warm-up steps');
    expect(all).toContain(`state    checkpoint in ${whole}.checkpoint after epoch 2`);

    const part = join(dir, 'part.safetensors');
    const ckpt = join(dir, 'ckpt');
    const log = join(dir, 'resumed.jsonl');
    const first = await ok([...recipe, '--epochs', '1', '--seed', '3', '--checkpoint', ckpt]);
    const second = await ok([
      ...recipe,
      '--epochs',
      '2',
      '--resume',
      '--checkpoint',
      ckpt,
      '--save',
      part,
      '--log',
      log,
    ]);
    expect(second).toContain(`weights from ${join(ckpt, 'checkpoint.safetensors')} (epoch 1)`);
    expect(second).toMatch(/^trained +1 epoch \(epochs 2-2 of 2\)/m);
    // Adam's bias corrections are recomputed from the step count on restore (tfjs's setWeights:
    // beta^t, not the running product): equal within float32 rounding. (A bias before batch
    // norm gets a gradient of rounding noise, which Adam's normalised step blows up: 5e-3 apart
    // there, with no effect on the outputs; this model has none.)
    expectSameWeights(await weightsOf(whole), await weightsOf(part), 1e-6);
    expect([...losses(first), ...losses(second)]).toEqual(losses(all));

    // The log holds both epochs, the first from the checkpoint's history.
    const records = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(records.map((r) => r.epoch)).toEqual([1, 2]);
    expect(records.map((r) => r.loss)).toEqual(losses(all).map((v) => expect.closeTo(v, 4)));
    // Epoch 1 ends on step 4 (full rate 0.02); epoch 2 halves it.
    expect(records.map((r) => r.lr)).toEqual([0.02, 0.01]);
    expect(records.every((r) => r.examples_per_second > 0 && r.seconds > 0)).toBe(true);
  });

  it('with sgd and Nesterov momentum the resumed run is bit for bit the same', async () => {
    const sgd = ['--optimizer', 'nesterov', '--lr', '0.05', '--schedule', 'step:1:0.5'];
    const whole = join(dir, 'nesterov-whole.safetensors');
    await ok([...sgd, '--epochs', '2', '--seed', '8', '--save', whole]);
    const ckpt = join(dir, 'n-ckpt');
    const part = join(dir, 'nesterov-part.safetensors');
    await ok([...sgd, '--epochs', '1', '--seed', '8', '--checkpoint', ckpt]);
    const resumed = await ok([
      ...sgd,
      '--epochs',
      '2',
      '--resume',
      '--checkpoint',
      ckpt,
      '--save',
      part,
    ]);
    expect(resumed).toMatch(/epochs 2-2 of 2/);
    expectSameWeights(await weightsOf(whole), await weightsOf(part));
  });

  it('resuming under other options, or past the last epoch, is refused (exit 1)', async () => {
    const ckpt = join(dir, 'ckpt-refuse');
    await ok([...recipe, '--epochs', '1', '--seed', '3', '--checkpoint', ckpt]);
    const path = join(ckpt, 'checkpoint.safetensors');
    const other = [...recipe.slice(0, 3), '0.05', ...recipe.slice(4)];
    const cases: [string[], string][] = [
      [
        [...other, '--epochs', '2', '--resume', '--checkpoint', ckpt],
        `netc: ${path} was written with other training options: lr 0.02 then, 0.05 now`,
      ],
      [
        [...recipe, '--epochs', '1', '--resume', '--checkpoint', ckpt],
        `netc: ${path} holds 1 epoch already: give --epochs above 1 to train on`,
      ],
      [
        [...recipe, '--epochs', '2', '--seed', '4', '--resume', '--checkpoint', ckpt],
        `netc: ${path} was written with --seed 3, not 4: resume with the same seed (or none)`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await netc([...base, ...args]);
      expect(r.stderr.trim(), args.join(' ')).toBe(message);
      expect(r.code).toBe(1);
    }
    const missing = await netc([...base, '--resume', '--checkpoint', join(dir, 'none')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no checkpoint.safetensors there');
  });
});

describe('netc train: validation, early stopping, log, curves', () => {
  it('--val-x/--val-y validate on the given data', async () => {
    const out = await ok([
      '--val-x',
      vx,
      '--val-y',
      vy,
      '--epochs',
      '2',
      '--seed',
      '1',
      '--metrics',
      'accuracy',
    ]);
    expect(out).toContain('data     40 examples + 12 for validation (--val-x), batch 8');
    expect(out).toMatch(/^epoch 2\/2 .* val_loss \S+ {2}val_acc \S+$/m);
  });

  it('--early-stopping stops, restores the best epoch; its weights equal a run stopped there', async () => {
    // The loss falls every epoch, so a watch for its maximum improves only at epoch 1.
    const stopped = join(dir, 'stopped.safetensors');
    const csv = join(dir, 'log.csv');
    const out = await ok([
      '--epochs',
      '5',
      '--seed',
      '2',
      '--lr',
      '0.1',
      '--early-stopping',
      'loss:2:max',
      '--save',
      stopped,
      '--log',
      csv,
    ]);
    expect(losses(out)).toHaveLength(3);
    expect(out).toMatch(
      /^early {4}stopped after epoch 3: loss did not improve for 2 epochs; best loss \S+ at epoch 1; restored the weights of epoch 1$/m,
    );
    const one = join(dir, 'one.safetensors');
    await ok(['--epochs', '1', '--seed', '2', '--lr', '0.1', '--save', one]);
    expectSameWeights(await weightsOf(one), await weightsOf(stopped));

    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('epoch,loss,lr,seconds,examples_per_second');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([1, 2, 3]);
    expect(lines.slice(1).map((l) => Number(l.split(',')[1]))).toEqual(
      losses(out).map((v) => expect.closeTo(v, 4)),
    );

    // The curves beside the weights: one point per epoch on the training loss line.
    const svg = readFileSync(join(dir, 'stopped.curves.svg'), 'utf8');
    expect(out).toContain(`curves   ${join(dir, 'stopped.curves.svg')}`);
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('bn: training curves, 3 epochs');
    expect(svg.match(/<polyline points="([^"]*)"/)![1].split(' ')).toHaveLength(3);
  });
});

describe('netc train: uint8 inputs and optimizer options', () => {
  it('uint8 inputs scaled by --x-scale 1/255 train exactly as the same values in float32', async () => {
    const bytes = train.x.map((v) => Math.max(0, Math.min(255, Math.round(v * 200))));
    const u8 = join(dir, 'x-u8.npy');
    const header = `{'descr': '|u1', 'fortran_order': False, 'shape': (40, 6), }`;
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const head = Buffer.from(padded, 'latin1');
    const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length, 0]);
    writeFileSync(u8, Buffer.concat([pre, head, Buffer.from(bytes)]));
    const scale = 1 / 255;
    const f32 = await writeArray(
      dir,
      'x-f32.npy',
      [40, 6],
      bytes.map((b) => Math.fround(b * scale)),
    );
    const args = (xPath: string, save: string) => [
      ...base.map((a) => (a === x ? xPath : a)),
      '--epochs',
      '2',
      '--seed',
      '6',
      '--save',
      join(dir, save),
    ];
    const a = await netc([...args(u8, 'u8.safetensors'), '--x-scale', '1/255']);
    expect(a.stderr).toBe('');
    expect(a.stdout).toContain('inputs   inputs uint8 x 1/255');
    const b = await netc(args(f32, 'f32.safetensors'));
    expect(b.code).toBe(0);
    expectSameWeights(
      await weightsOf(join(dir, 'u8.safetensors')),
      await weightsOf(join(dir, 'f32.safetensors')),
    );
  });

  it('momentum, nesterov and rmsprop are reported as built', async () => {
    expect(await ok(['--epochs', '1', '--optimizer', 'nesterov'])).toContain(
      'sgd lr 0.01 momentum 0.9 nesterov',
    );
    expect(await ok(['--epochs', '1', '--optimizer', 'momentum', '--momentum', '0.5'])).toContain(
      'sgd lr 0.01 momentum 0.5,',
    );
    expect(await ok(['--epochs', '1', '--optimizer', 'rmsprop'])).toContain('rmsprop lr 0.001,');
  });

  it('usage errors: one line, exit 2', async () => {
    const cases: [string[], string][] = [
      [
        ['--val-x', vx, '--val-y', vy, '--validation-split', '0.2'],
        '--validation-split and --val-x/--val-y both give validation data: use one of them',
      ],
      [['--val-x', vx], '--val-x needs --val-y too'],
      [
        ['--optimizer', 'adam', '--weight-decay', '0.1'],
        '--weight-decay applies to --optimizer adamw, not adam',
      ],
      [
        ['--schedule', 'linear'],
        "--schedule: unknown schedule 'linear' (expected constant, step:N[:GAMMA] or cosine[:MIN])",
      ],
      [
        ['--warmup', '0'],
        "--warmup: warm-up '0' is not K, Kepochs or Ksteps with K a positive integer",
      ],
      [
        ['--early-stopping', 'val_loss'],
        "--early-stopping: 'val_loss' is not METRIC:PATIENCE[:min|max] (e.g. val_loss:3), PATIENCE a positive integer",
      ],
      [
        ['--early-stopping', 'val_loss:2'],
        "--early-stopping watches 'val_loss', which this run does not log (validation figures need --validation-split or --val-x/--val-y); it logs loss",
      ],
      [['--x-scale', '1/0'], "--x-scale '1/0' is not a positive number or fraction (e.g. 1/255)"],
      [
        ['--resume'],
        '--resume needs the checkpoint: --checkpoint DIR, or --save PATH (PATH.checkpoint)',
      ],
      [
        ['--freeze', 'backbone'],
        "--freeze 'backbone' matches no layer of model 'bn' (names are like 'dense_0'; see netc summary)",
      ],
    ];
    for (const [args, message] of cases) {
      const r = await netc([...base, ...args]);
      expect(r.stderr.split('\n')[0], args.join(' ')).toMatch(
        new RegExp(`^netc: (error: )?${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
      );
      expect(r.code).toBe(2);
    }
  });
});
