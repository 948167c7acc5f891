/**
 * docs/training.md, run: every code block is marked (`<!-- file: NAME -->` written to the
 * folder, `<!-- run -->` shell lines run in order with `netc` in-process and must exit 0,
 * `<!-- parse -->` lines parsed by `netc train`'s option table). The folder holds the data the
 * page names: uint8 8x8 images whose class is the quadrant of a bright 3x3 blob. Then checks
 * what the page says the runs wrote: the curves, the checkpoint, the CSV log, the eval report,
 * bitwise resumed weights, and unchanged frozen weights.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../../cli/commands/model-args.js';
import { readWeightsFile } from '../../io/weights-file.js';
import { graphOf, netc } from '../cli/helpers.js';
import { repo, scratchDir } from '../codegen/helpers.js';

const doc = readFileSync(join(repo, 'docs/training.md'), 'utf8');
const dir = scratchDir();

interface Block {
  readonly marker: string;
  readonly text: string;
}
const blocks: Block[] = [...doc.matchAll(/(?:<!-- (.+?) -->\n\n)?```\w*\n([\s\S]*?)```/g)].map(
  (m) => ({ marker: m[1] ?? '', text: m[2] }),
);
const outputs: string[] = [];

/** A uint8 `.npy` file. */
function writeU8(name: string, shape: number[], data: Uint8Array): void {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const header = `{'descr': '|u1', 'fortran_order': False, 'shape': ${dims}, }`;
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  const head = Buffer.from(`${header}${' '.repeat(pad)}\n`, 'latin1');
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length, 0]);
  writeFileSync(join(dir, name), Buffer.concat([pre, head, Buffer.from(data)]));
}

function images(n: number, seed: number): { x: Uint8Array; y: Uint8Array } {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const x = new Uint8Array(n * 64);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    y[i] = c;
    for (let k = 0; k < 64; k++) x[i * 64 + k] = Math.floor(next() * 60);
    const [r0, c0] = [(c >> 1) * 4 + Math.floor(next() * 2), (c & 1) * 4 + Math.floor(next() * 2)];
    for (let dr = 0; dr < 3; dr++)
      for (let dc = 0; dc < 3; dc++)
        x[i * 64 + (r0 + dr) * 8 + c0 + dc] = 200 + Math.floor(next() * 55);
  }
  return { x, y };
}

beforeAll(async () => {
  const train = images(192, 1);
  const val = images(48, 2);
  writeU8('images.npy', [192, 8, 8, 1], train.x);
  writeU8('labels.npy', [192], train.y);
  writeU8('val-images.npy', [48, 8, 8, 1], val.x);
  writeU8('val-labels.npy', [48], val.y);
  for (const b of blocks.filter((b) => b.marker.startsWith('file: ')))
    writeFileSync(join(dir, b.marker.slice(6)), b.text);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    for (const b of blocks.filter((b) => b.marker === 'run')) {
      for (const line of b.text.split('\n').filter((l) => l.trim() !== '')) {
        const [command, ...args] = line.split(/\s+/);
        expect(command).toBe('netc');
        const r = await netc(args);
        expect(r.code, `${line}\n${r.stderr}`).toBe(0);
        outputs.push(r.stdout);
      }
    }
  } finally {
    process.chdir(cwd);
  }
}, 300_000);

describe('docs/training.md', () => {
  it('marks every code block; the parse-only line is a valid netc train command', () => {
    const fences = doc.match(/^```\w*$/gm)!.length / 2;
    expect(blocks).toHaveLength(fences);
    for (const b of blocks) expect(b.marker).toMatch(/^(run|parse|file: [\w-]+\.net)$/);
    for (const b of blocks.filter((b) => b.marker === 'parse')) {
      const [command, sub, ...args] = b.text.trim().split(/\s+/);
      expect([command, sub]).toEqual(['netc', 'train']);
      const o = parseTrainArgs(args);
      expect(o.freeze).toEqual(['base']);
      expect(o.file).toBe('samples/irv2_finetune.net');
    }
  });

  it('the first run wrote the weights, the curves, the checkpoint and the CSV log', () => {
    const first = outputs[0];
    expect(first).toContain('adamw lr 0.01 weight decay 0.01');
    expect(first).toContain('inputs   inputs uint8 x 1/255');
    expect(first).toContain('+ 48 for validation (--val-x)');
    for (const f of [
      'w.safetensors',
      'w.curves.svg',
      'w.safetensors.checkpoint/checkpoint.safetensors',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const csv = readFileSync(join(dir, 'train.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('epoch,loss,acc,val_loss,val_acc,lr,seconds,examples_per_second');
    expect(csv.length - 1).toBe((first.match(/^epoch \d\/4 /gm) ?? []).length);
    // 6 steps per epoch: epoch 1 ends inside the 10-step warm-up (6/10 of the rate), epoch 2
    // at the full rate; the step schedule halves it from epoch 3.
    const lr = csv.slice(1).map((l) => Number(l.split(',')[5]));
    expect(lr.slice(0, 2)).toEqual([0.006, 0.01]);
    if (lr.length > 2) expect(lr[2]).toBe(0.005);
  });

  it('the resumed run equals an uninterrupted one, bit for bit', async () => {
    const whole = join(dir, 'whole.safetensors');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await netc([
        'train',
        'digits.net',
        '--x',
        'images.npy',
        '--x-scale',
        '1/255',
        '--y',
        'labels.npy',
        '--loss',
        'sparse_categorical_crossentropy',
        '--optimizer',
        'nesterov',
        '--lr',
        '0.05',
        '--epochs',
        '2',
        '--seed',
        '2',
        '--save',
        whole,
      ]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    const graph = graphOf(join(dir, 'digits.net'));
    const a = await readWeightsFile(whole, graph);
    const b = await readWeightsFile(join(dir, 'resumed.safetensors'), graph);
    for (const [k, w] of a) expect(Array.from(b.get(k)!.data), k).toEqual(Array.from(w.data));
  });

  it('eval reports the confusion matrix, and JSON; freezing kept conv and bn as they were', async () => {
    const [text, json] = outputs.slice(3, 5);
    expect(text).toMatch(/^accuracy \d\.\d{4} \(\d+ of 48\)$/m);
    expect(text).toContain('confusion matrix (rows: true class, columns: predicted class)');
    const report = JSON.parse(json) as { examples: number; outputs: { confusion: number[][] }[] };
    expect(report.examples).toBe(48);
    expect(report.outputs[0].confusion.flat().reduce((s, v) => s + v, 0)).toBe(48);
    expect(outputs[5]).toMatch(/^frozen {3}2 layers \(\d+ parameters\) matching 'conv', 'bn'$/m);
    const graph = graphOf(join(dir, 'digits.net'));
    const before = await readWeightsFile(join(dir, 'w.safetensors'), graph);
    const after = await readWeightsFile(join(dir, 'head.safetensors'), graph);
    for (const k of [
      'conv/kernel',
      'conv/bias',
      'bn/gamma',
      'bn/beta',
      'bn/moving_mean',
      'bn/moving_variance',
    ])
      expect(Array.from(after.get(k)!.data), k).toEqual(Array.from(before.get(k)!.data));
    expect(Array.from(after.get('head/kernel')!.data)).not.toEqual(
      Array.from(before.get('head/kernel')!.data),
    );
  });
});
