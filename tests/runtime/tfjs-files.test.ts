import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fileLoadHandler,
  fileSaveHandler,
  loadLayersModelFromDir,
  saveLayersModel,
} from '../../runtime/io/tfjs-files.js';
import { useTempDirs } from '../io/helpers.js';
import { shardOf } from '../io/tfjs-shards.js';

let x: tf.Tensor;

beforeAll(async () => {
  await tf.setBackend('cpu');
  x = tf.tensor2d([
    [1, -2, 0.5, 3],
    [0, 1, -1, 2],
  ]);
});

/** A dense + batch-norm model with non-trivial weights (including the moving statistics). */
function tinyModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [4], name: 'fc' }),
      tf.layers.batchNormalization({ name: 'bn' }),
    ],
  });
  model.setWeights(
    model.weights.map((w, i) =>
      tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 100 + i),
    ),
  );
  return model;
}

function predict(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
}

describe('fileSaveHandler / fileLoadHandler', () => {
  const tempDir = useTempDirs();

  it('round-trips a layers model: same predictions, same weights', async () => {
    const dir = await tempDir();
    const model = tinyModel();
    const result = await model.save(fileSaveHandler(dir));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((12 + 3 + 3 * 4) * 4);
    expect((await readdir(dir)).sort()).toEqual(['model.json', shardOf(dir).name]);

    const loaded = await tf.loadLayersModel(fileLoadHandler(dir));
    expect(predict(loaded, x)).toEqual(predict(model, x));
    expect(loaded.weights.map((w) => w.originalName)).toEqual(
      model.weights.map((w) => w.originalName),
    );
    loaded.getWeights().forEach((w, i) => {
      expect(w.dataSync()).toEqual(model.getWeights()[i].dataSync());
    });
  });

  it('writes a model.json in the tfjs layers format', async () => {
    const dir = await tempDir();
    await saveLayersModel(tinyModel(), dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/TensorFlow\.js/);
    expect(json.convertedBy).toBeNull();
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual([shardOf(dir).name]);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual([
      'fc/kernel',
      'fc/bias',
      'bn/gamma',
      'bn/beta',
      'bn/moving_mean',
      'bn/moving_variance',
    ]);
    expect(shardOf(dir).bytes.length).toBe(27 * 4);
  });

  it('overwrites an earlier save and leaves no temporary files', async () => {
    const dir = await tempDir();
    await saveLayersModel(tinyModel(), dir);
    const first = shardOf(dir).name;
    const second = tinyModel();
    second.setWeights(second.weights.map((w) => tf.fill(w.shape as number[], 0.25)));
    await saveLayersModel(second, dir);
    // The first save's shard is gone: only the new pair is left.
    expect(shardOf(dir).name).not.toBe(first);
    expect((await readdir(dir)).sort()).toEqual(['model.json', shardOf(dir).name]);
    const loaded = await loadLayersModelFromDir(dir);
    expect(predict(loaded, x)).toEqual(predict(second, x));
  });

  it('joins weight data given as a list of shards', async () => {
    const dir = await tempDir();
    const model = tinyModel();
    const artifacts = await captureArtifacts(model);
    const whole = artifacts.weightData as ArrayBuffer;
    const shards = [whole.slice(0, 10), whole.slice(10, 50), whole.slice(50)];
    await fileSaveHandler(dir).save!({ ...artifacts, weightData: shards });
    expect(predict(await loadLayersModelFromDir(dir), x)).toEqual(predict(model, x));
  });

  it('loads weights split over several files', async () => {
    const dir = await tempDir();
    const model = tinyModel();
    await saveLayersModel(model, dir);
    const bin = shardOf(dir).bytes;
    await writeFile(join(dir, 'a.bin'), bin.subarray(0, 40));
    await writeFile(join(dir, 'b.bin'), bin.subarray(40));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['a.bin', 'b.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    expect(predict(await loadLayersModelFromDir(dir), x)).toEqual(predict(model, x));
  });

  it('refuses weight paths outside the model folder and reports bad JSON', async () => {
    const dir = await tempDir();
    await saveLayersModel(tinyModel(), dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../elsewhere.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadLayersModelFromDir(dir)).rejects.toThrow(/outside the model folder/);
    await writeFile(join(dir, 'model.json'), '{');
    await expect(loadLayersModelFromDir(dir)).rejects.toThrow(/is not valid JSON/);
  });
});

async function captureArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // tfjs 4.22's LayersModel.save hands over a single ArrayBuffer.
  expect(captured!.weightData).toBeInstanceOf(ArrayBuffer);
  return captured!;
}
