/**
 * `netc init` and `netc run --weights`: saved weights (safetensors, or a tfjs model.json +
 * weights.bin folder) load back to identical outputs; weights of another model are refused
 * with every offending name and shape listed, and nothing is half-loaded.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shardOf } from '../io/tfjs-shards.js';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  decodeSafetensors,
  loadWeights,
  saveWeights,
  WeightMismatchError,
} from '../../api/index.js';
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

const tiny = writeText(
  dir,
  'tiny.net',
  `model tiny(x: [6]) {
  return y: x |> dense(8, activation: "relu") |> batch_norm |> dense(3) |> softmax
}
`,
);

const other = writeText(
  dir,
  'other.net',
  `model other(x: [6]) {
  return y: x |> dense(4, activation: "relu") |> batch_norm |> dense(3) |> dense(2)
}
`,
);

const xData = pseudoRandom(5 * 6, 5);
const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('netc init, then netc run --weights', () => {
  it('safetensors and tfjs folders give the outputs of the seeded model, in this process and a fresh build', async () => {
    const x = await writeArray(dir, 'x.npy', [5, 6], xData);
    const st = join(dir, 'w.safetensors');
    const folder = join(dir, 'w-tfjs');
    const i1 = await netc(['init', tiny, '--seed', '5', '--save', st]);
    expect(i1.stderr).toBe('');
    expect(i1.code).toBe(0);
    expect(i1.stdout).toMatch(
      /^saved +8 weights \(115 params\) of tiny, seed 5, to .*w\.safetensors \(safetensors\)/,
    );
    const i2 = await netc(['init', tiny, '--seed', '5', '--save', folder]);
    expect(i2.code).toBe(0);
    expect(i2.stdout).toContain(`(model.json + ${shardOf(folder).name})`);

    const outs: number[][] = [];
    for (const [k, args] of [
      ['st', ['--weights', st]],
      ['dir', ['--weights', folder]],
      ['json', ['--weights', join(folder, 'model.json')]],
      ['seed', ['--seed', '5']],
    ] as const) {
      const out = join(dir, `y-${k}.npy`);
      const r = await netc(['run', tiny, '--input', x, '--output', out, ...args]);
      expect(r.code, r.stderr).toBe(0);
      outs.push((await readArray(out)).data);
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
    expect(outs[3]).toEqual(outs[0]);

    // Two fresh builds (random initial weights) given the saved weights predict the same.
    const graph = graphOf(tiny);
    for (const path of [st, folder]) {
      const model = buildModel(graph);
      await loadWeights(model, graph, path);
      expect(predict(model, [5, 6], xData)).toEqual(outs[0]);
      model.dispose();
    }
    // Safetensors keys are IR names; for these automatic names, also the tfjs variable names.
    const names = [...decodeSafetensors(readFileSync(st)).tensors.keys()];
    const model = buildModel(graph);
    expect(names).toEqual(
      graph.nodes.flatMap((n) =>
        n.op === 'dense'
          ? [`${n.name}/kernel`, `${n.name}/bias`]
          : n.op === 'batch_norm'
            ? ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => `${n.name}/${w}`)
            : [],
      ),
    );
    expect([...names].sort()).toEqual(model.weights.map((w) => w.originalName).sort());
    model.dispose();
  });

  it('weights of another model: exit 1, every missing, unexpected and mis-shaped name listed', async () => {
    const x = await writeArray(dir, 'x2.npy', [5, 6], xData);
    const st = join(dir, 'other.safetensors');
    const folder = join(dir, 'other-tfjs');
    expect((await netc(['init', other, '--seed', '1', '--save', st])).code).toBe(0);
    expect((await netc(['init', tiny, '--seed', '1', '--save', folder])).code).toBe(0);

    const r = await netc(['run', tiny, '--input', x, '--weights', st]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`netc: ${st}: weights do not match the model:`);
    expect(r.stderr).toContain('unexpected (2): dense_2/kernel, dense_2/bias');
    expect(r.stderr).toContain('wrong shape: dense_0/kernel: expected [6, 8], found [6, 4]');
    expect(r.stderr).toContain('wrong shape: batch_norm_0/gamma: expected [8], found [4]');
    expect(r.stderr).toContain('wrong shape: dense_1/kernel: expected [8, 3], found [4, 3]');
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const r2 = await netc(['run', other, '--input', x, '--weights', folder]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('missing (2): dense_2/kernel, dense_2/bias');
  });

  it('a mismatch leaves the model as it was (nothing half-loaded)', async () => {
    const graph = graphOf(tiny);
    const model = buildModel(graph, { seed: 3 });
    const before = weightsOf(model);
    for (const name of ['other2.safetensors', 'other2-tfjs']) {
      const path = join(dir, name);
      const o = buildModel(graphOf(other), { seed: 1 });
      await saveWeights(o, graphOf(other), path);
      o.dispose();
      await expect(loadWeights(model, graph, path)).rejects.toBeInstanceOf(WeightMismatchError);
    }
    expect(weightsOf(model)).toEqual(before);
    model.dispose();
  });

  it('malformed or misplaced weight files: one line, exit 2', async () => {
    const x = await writeArray(dir, 'x3.npy', [1, 6], xData.slice(0, 6));
    const junk = writeText(dir, 'junk.safetensors', 'junk');
    const empty = join(dir, 'empty-folder');
    await netc(['init', tiny, '--seed', '1', '--save', join(empty, 'sub')]);
    const truncated = join(dir, 'truncated');
    expect((await netc(['init', tiny, '--seed', '1', '--save', truncated])).code).toBe(0);
    const bin = join(truncated, shardOf(truncated).name);
    writeFileSync(bin, readFileSync(bin).subarray(0, 40));
    const aFile = writeText(dir, 'weights.bin', 'x');
    const cases: [string, string][] = [
      [junk, `${junk}: file is 4 bytes, too short for the 8-byte header length`],
      [empty, `${empty} holds no model.json (expected model.json + weights.bin)`],
      [
        truncated,
        `${truncated}: the manifest in model.json describes 460 bytes of weights, the weight files hold 40`,
      ],
      [
        aFile,
        `${aFile} is a file: expected a .safetensors file or a folder holding model.json + weights.bin`,
      ],
    ];
    for (const [path, message] of cases) {
      const r = await netc(['run', tiny, '--input', x, '--weights', path]);
      expect(r.code, path).toBe(2);
      expect(r.stderr.trim()).toBe(`netc: ${message}`);
    }
  });

  it('init refuses a save path it cannot use, before building (exit 2)', async () => {
    const aFile = writeText(dir, 'plain-file', 'x');
    const r = await netc(['init', tiny, '--seed', '1', '--save', aFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write weights to ${aFile}: it is a file`);
    const r2 = await netc([
      'init',
      tiny,
      '--seed',
      '1',
      '--save',
      join(dir, 'nope', 'w.safetensors'),
    ]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`the folder ${join(dir, 'nope')} does not exist`);
  });
});
