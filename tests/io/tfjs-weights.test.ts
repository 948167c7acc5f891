/**
 * Weight files as GraphWeights without tfjs (io/weights-file.ts, io/tfjs-weights.ts): the tfjs
 * folder's manifest uses tfjs variable names (so tfjs itself reads it), safetensors uses IR
 * names; quantized manifests decode as tf.io.decodeWeights does.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialWeights } from '../../compiler/initial-weights.js';
import { WeightMismatchError } from '../../compiler/weights-check.js';
import { decodeSafetensors } from '../../io/safetensors.js';
import { FINGERPRINT_KEY, graphFingerprint } from '../../io/graph-fingerprint.js';
import { readTfjsFolder, tfjsWeightNames, type ManifestEntry } from '../../io/tfjs-weights.js';
import {
  describeWeights,
  readWeightsFile,
  WeightsFileError,
  writeWeightsFile,
} from '../../io/weights-file.js';
import { buildModel } from '../../runtime/build-model.js';
import { fillModel, readGraphWeights } from '../../runtime/graph-weights.js';
import { fileLoadHandler } from '../../runtime/io/tfjs-files.js';
import { saveWeights } from '../../runtime/weights-files.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { useTempDirs } from './helpers.js';
import { shardOf } from './tfjs-shards.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// "my conv" is not a valid tfjs name: its layer is my_conv.
const graph = graphOfText(`model m(x: [4]) {
  return y: x |> dense(3, name: "my conv") |> batch_norm(name: "bn")
}`);
const x = () => tf.tensor2d([[1, -2, 0.5, 3]]);
const predict = (m: tf.LayersModel) => [...(m.predict(x()) as tf.Tensor).dataSync()];

describe('tfjs folder and safetensors names', () => {
  const tempDir = useTempDirs();

  it('maps IR names to tfjs variable names', () => {
    expect([...tfjsWeightNames(graph)]).toEqual([
      ['my conv/kernel', 'my_conv/kernel'],
      ['my conv/bias', 'my_conv/bias'],
      ['bn/gamma', 'bn/gamma'],
      ['bn/beta', 'bn/beta'],
      ['bn/moving_mean', 'bn/moving_mean'],
      ['bn/moving_variance', 'bn/moving_variance'],
    ]);
  });

  it('writes both formats without tfjs and reads back the same weights', async () => {
    const dir = await tempDir();
    const w = initialWeights(graph, 9);
    const st = join(dir, 'w.safetensors');
    const folder = join(dir, 'w');
    await writeWeightsFile(st, graph, w, { metadata: { by: 'test' } });
    await writeWeightsFile(folder, graph, w);
    const file = decodeSafetensors(new Uint8Array(await readFile(st)));
    expect([...file.tensors.keys()]).toEqual([...w.keys()]);
    expect(file.metadata).toEqual({ by: 'test', [FINGERPRINT_KEY]: graphFingerprint(graph) });
    const json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
    expect(json.userDefinedMetadata).toEqual({ [FINGERPRINT_KEY]: graphFingerprint(graph) });
    expect(json.weightsManifest[0].weights.map((e: ManifestEntry) => e.name)).toEqual([
      ...tfjsWeightNames(graph).values(),
    ]);
    expect(shardOf(folder).bytes.length).toBe((12 + 3 + 4 * 3) * 4);
    expect(await readWeightsFile(st, graph)).toEqual(w);
    expect(await readWeightsFile(folder, graph)).toEqual(w);
    expect(await readWeightsFile(join(folder, 'model.json'), graph)).toEqual(w);
    expect((await readdir(folder)).sort()).toEqual(['model.json', shardOf(folder).name]);
    expect((await readdir(dir)).sort()).toEqual(['w', 'w.safetensors']);
  });

  it('saveWeights writes a folder tf.loadLayersModel and model.loadWeights accept', async () => {
    const dir = await tempDir();
    const model = buildModel(graph, { seed: 2 });
    await saveWeights(model, graph, dir);
    const loaded = await tf.loadLayersModel(fileLoadHandler(dir));
    expect(predict(loaded)).toEqual(predict(model));

    // What a generated module's model does: loadWeights with tfjs-decoded named tensors.
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const bin = shardOf(dir).bytes;
    const named = tf.io.decodeWeights(
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
      json.weightsManifest[0].weights,
    );
    const other = buildModel(graph, { seed: 3 });
    expect(predict(other)).not.toEqual(predict(model));
    other.loadWeights(named);
    expect(predict(other)).toEqual(predict(model));
  });

  it('decodes quantized entries (uint8 and uint16 with scale and min, float16) as tfjs does', async () => {
    const dir = await tempDir();
    const g = graphOfText(`model q(x: [2]) {
  return y: x |> dense(2, name: "d")
}`);
    const kernel = Uint16Array.of(0x3c00, 0xc000, 0x3800, 0x0001); // 1, -2, 0.5, 2^-24
    const bias = Uint8Array.of(0, 255);
    const entries = [
      { name: 'd/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'float16' } },
      {
        name: 'd/bias',
        shape: [2],
        dtype: 'float32',
        quantization: { dtype: 'uint8', scale: 0.5, min: -1 },
      },
    ];
    const bytes = new Uint8Array([...new Uint8Array(kernel.buffer), ...bias]);
    await writeFile(join(dir, 'weights.bin'), bytes);
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: entries }] }),
    );
    const w = await readTfjsFolder(dir, g);
    expect([...w.get('d/kernel')!.data]).toEqual([1, -2, 0.5, 2 ** -24]);
    expect([...w.get('d/bias')!.data]).toEqual([-1, 126.5]);
    const ref = tf.io.decodeWeights(bytes.slice().buffer, entries as tf.io.WeightsManifestEntry[]);
    expect([...w.get('d/kernel')!.data]).toEqual([...ref['d/kernel'].dataSync()]);
    expect([...w.get('d/bias')!.data]).toEqual([...ref['d/bias'].dataSync()]);

    entries[1].quantization = { dtype: 'uint16', scale: 2, min: 1 };
    await writeFile(
      join(dir, 'weights.bin'),
      new Uint8Array([...bytes.subarray(0, 8), 3, 0, 1, 1]),
    );
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: entries }] }),
    );
    expect([...(await readTfjsFolder(dir, g)).get('d/bias')!.data]).toEqual([7, 2 * 257 + 1]);
  });

  it('refuses folders that do not fit, and fills nothing', async () => {
    const dir = await tempDir();
    const other = graphOfText(`model o(x: [4]) {
  return y: x |> dense(2, name: "my conv") |> dense(1, name: "z")
}`);
    await writeWeightsFile(dir, other, initialWeights(other, 1));
    const error = await readWeightsFile(dir, graph).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightMismatchError);
    expect((error as Error).message).toBe(
      [
        'weights do not match the model:',
        '  missing (4): bn/gamma, bn/beta, bn/moving_mean, bn/moving_variance',
        '  unexpected (2): z/kernel, z/bias',
        '  wrong shape: my conv/kernel: expected [4, 3], found [4, 2]',
        '  wrong shape: my conv/bias: expected [3], found [2]',
      ].join('\n'),
    );
    const model = buildModel(graph, { seed: 1 });
    const before = readGraphWeights(model, graph);
    expect(() => fillModel(model, graph, initialWeights(other, 1))).toThrow(WeightMismatchError);
    expect(readGraphWeights(model, graph)).toEqual(before);
    model.dispose();
  });

  it('a manifest listing a name twice, or a non-numeric dtype', async () => {
    const dir = await tempDir();
    await writeWeightsFile(dir, graph, initialWeights(graph, 1));
    const path = join(dir, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    json.weightsManifest[0].weights[1].name = 'my_conv/kernel';
    await writeFile(path, JSON.stringify(json));
    await expect(readWeightsFile(dir, graph)).rejects.toThrow(
      new WeightsFileError(`${path} lists 'my_conv/kernel' twice`),
    );
    json.weightsManifest[0].weights[1].name = 'my_conv/bias';
    json.weightsManifest[0].weights[1].dtype = 'string';
    await writeFile(path, JSON.stringify(json));
    await expect(readWeightsFile(dir, graph)).rejects.toThrow(
      /has dtype 'string', which is not numeric/,
    );
  });

  it('describes where weights come from', () => {
    const w = initialWeights(graph, 0);
    expect(describeWeights({ weights: 'w.safetensors' }, w)).toBe(
      'weights from w.safetensors (6 tensors, 108 B)',
    );
    expect(describeWeights({ weights: 'w.safetensors' })).toBe('weights from w.safetensors');
    expect(describeWeights({ seed: 0 })).toBe('initial weights from --seed 0');
    expect(describeWeights({})).toBe('random initial weights (no --weights or --seed)');
  });
});
