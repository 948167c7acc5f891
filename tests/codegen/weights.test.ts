/**
 * Weights into compiled modules, in Node, without netc at run time: weights that netc wrote
 * (safetensors; a tfjs folder, from its bytes and over HTTP) load into the generated module and
 * it predicts what `netc run` predicts with them (1e-6); `netc compile --optimize --weights W`
 * writes the folded weights beside the module, which then predicts what `netc run --no-optimize`
 * does with W (1e-5). Weights that are not the module's are refused, leaving the model as it
 * was: another graph's (by fingerprint, even when names and shapes agree), the unfolded weights
 * of an optimized module, the folded weights of a plain one; files without a fingerprint (those
 * of earlier netc versions) are checked by name and shape.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optimizeForInference } from '../../compiler/passes/index.js';
import { graphFingerprint } from '../../io/graph-fingerprint.js';
import { decodeSafetensors, encodeSafetensors } from '../../io/safetensors.js';
import { buildModel } from '../../runtime/build-model.js';
import { saveWeights } from '../../runtime/weights-files.js';
import { netc, pseudoRandom, readArray, writeArray, writeText } from '../cli/helpers.js';
import { maxDiff, randomize, useBackend } from '../runtime/helpers.js';
import { graphOf, samplesDir, scratchDir } from './helpers.js';

/** What the tests use of a generated module. */
interface Compiled {
  createModel(): tf.LayersModel;
  weightsInfo: { fingerprint: string; optimized: boolean };
  fetchWeights(model: tf.LayersModel, url: string): Promise<void>;
  loadTfjsWeights(
    model: tf.LayersModel,
    modelJson: string | object,
    read: (path: string) => Promise<Uint8Array>,
  ): Promise<void>;
  loadSafetensorsWeights(model: tf.LayersModel, bytes: Uint8Array | ArrayBuffer): void;
}

const lenet = join(samplesDir, 'lenet_bn.net');
const graph = graphOf(lenet);
const dir = scratchDir();
const shape = [2, 28, 28, 1];
const input = pseudoRandom(2 * 28 * 28, 5);
const W = join(dir, 'w.safetensors');
const FOLDER = join(dir, 'w');
let want: number[];

beforeAll(async () => {
  await useBackend('wasm');
  const model = buildModel(graph, { seed: 3 });
  randomize(model); // batch-norm statistics too, so folding changes every conv and dense
  await saveWeights(model, graph, W);
  await saveWeights(model, graph, FOLDER);
  model.dispose();
  const x = await writeArray(dir, 'x.npy', shape, input);
  const y = join(dir, 'y.npy');
  const r = await netc([
    'run',
    lenet,
    '--input',
    x,
    '--output',
    y,
    '--weights',
    W,
    '--no-optimize',
  ]);
  expect(r.code, r.stderr).toBe(0);
  want = (await readArray(y)).data;
}, 60_000);
afterAll(() => void tf.disposeVariables());

async function compile(name: string, ...args: string[]): Promise<Compiled> {
  const out = join(dir, `${name}.ts`);
  const r = await netc(['compile', lenet, '-o', out, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return (await import(pathToFileURL(out).href)) as Compiled;
}

const predict = (model: tf.LayersModel): number[] =>
  tf.tidy(() => [...(model.predict(tf.tensor(input, shape)) as tf.Tensor).dataSync()]);

const bytes = (path: string) => new Uint8Array(readFileSync(path));

const readFolder = (folder: string) => (path: string) => readFile(join(folder, path));

/** The error `f` throws (synchronously or not). */
async function thrown(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('a compiled module loads the weights netc wrote', () => {
  let m: Compiled;
  beforeAll(async () => void (m = await compile('plain')));

  it('from safetensors bytes: predicts what netc run does', () => {
    const model = m.createModel();
    m.loadSafetensorsWeights(model, bytes(W));
    expect(maxDiff(predict(model), want)).toBeLessThan(1e-6);
  });

  it('from a tfjs folder read in Node (model.json + weight files)', async () => {
    const model = m.createModel();
    const json = await readFile(join(FOLDER, 'model.json'), 'utf8');
    await m.loadTfjsWeights(model, json, readFolder(FOLDER));
    expect(maxDiff(predict(model), want)).toBeLessThan(1e-6);
  });

  it('from a tfjs folder over HTTP (fetchWeights, the global fetch)', async () => {
    const server = createServer((req, res) => {
      const file = join(FOLDER, decodeURIComponent(req.url!.split('/').pop()!));
      if (!existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200).end(readFileSync(file));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const model = m.createModel();
      await m.fetchWeights(model, `http://127.0.0.1:${port}/w/model.json`);
      expect(maxDiff(predict(model), want)).toBeLessThan(1e-6);
      const missing = await thrown(() =>
        m.fetchWeights(model, `http://127.0.0.1:${port}/nothing/none.json`),
      );
      expect(missing.name).toBe('WeightsFormatError');
      expect(missing.message).toMatch(/none\.json: HTTP 404/);
    } finally {
      server.close();
    }
  });

  it('from an earlier netc file without a fingerprint: checked by names and shapes', async () => {
    const { tensors } = decodeSafetensors(bytes(W));
    const old = encodeSafetensors([...tensors].map(([name, t]) => ({ name, ...t })));
    const model = m.createModel();
    m.loadSafetensorsWeights(model, old);
    expect(maxDiff(predict(model), want)).toBeLessThan(1e-6);
    const cut = encodeSafetensors(
      [...tensors]
        .filter(([name]) => name !== 'conv2d_0/bias')
        .map(([name, t]) =>
          name === 'dense_0/bias'
            ? { name, shape: [3], data: t.data.subarray(0, 3) }
            : { name, ...t },
        ),
    );
    const e = m.createModel();
    const before = predict(e);
    const error = await thrown(() => m.loadSafetensorsWeights(e, cut));
    expect(error.name).toBe('WeightsMismatchError');
    expect(error.message).toContain('missing conv2d_0/bias [6]');
    expect(error.message).toMatch(/dense_0\/bias is \[3\], expected \[\d+\]/);
    expect(predict(e)).toEqual(before);
  });
});

describe('netc compile --optimize --weights W', () => {
  let opt: Compiled;
  let plain: Compiled;
  const folded = join(dir, 'opt.weights.safetensors');
  beforeAll(async () => {
    opt = await compile('opt', '--optimize', '--weights', W);
    plain = await compile('plain2');
  });

  it('writes the folded weights beside the module: together they predict what W does', () => {
    expect(readdirSync(dir)).toContain('opt.weights.safetensors');
    expect(opt.weightsInfo.optimized).toBe(true);
    const model = opt.createModel();
    opt.loadSafetensorsWeights(model, bytes(folded));
    expect(maxDiff(predict(model), want)).toBeLessThan(1e-5);
    // The file records the optimized graph's fingerprint: the module's.
    const optimized = optimizeForInference(graph).graph;
    expect(decodeSafetensors(bytes(folded)).metadata['netc.fingerprint']).toBe(
      graphFingerprint(optimized),
    );
    expect(opt.weightsInfo.fingerprint).toBe(graphFingerprint(optimized));
  });

  it('the optimized module refuses the unfolded weights, in both formats, naming the fingerprints', async () => {
    const model = opt.createModel();
    const before = predict(model);
    const unfolded = graphFingerprint(graph);
    const fromSafetensors = await thrown(() => opt.loadSafetensorsWeights(model, bytes(W)));
    const json = await readFile(join(FOLDER, 'model.json'), 'utf8');
    const fromTfjs = await thrown(() => opt.loadTfjsWeights(model, json, readFolder(FOLDER)));
    for (const e of [fromSafetensors, fromTfjs]) {
      expect(e.name).toBe('WeightsMismatchError');
      expect(e.message).toContain(`made for graph ${unfolded} (the unfolded weights`);
      expect(e.message).toContain(`not for this module's ${opt.weightsInfo.fingerprint}`);
      expect(e.message).toContain('netc weights convert --fold');
    }
    expect(predict(model)).toEqual(before);
  });

  it('a module compiled without --optimize refuses the folded weights', async () => {
    const e = await thrown(() => plain.loadSafetensorsWeights(plain.createModel(), bytes(folded)));
    expect(e.name).toBe('WeightsMismatchError');
    expect(e.message).toContain('the folded weights of netc compile --optimize');
  });

  it("refuses another graph's weights by fingerprint, even when names and shapes agree", async () => {
    // The same layers, names and shapes; another activation: only the fingerprint tells.
    const source = readFileSync(lenet, 'utf8').replaceAll('sigmoid', 'relu');
    const other = writeText(dir, 'other.net', source);
    const otherW = join(dir, 'other.safetensors');
    const r = await netc(['init', other, '--seed', '1', '--save', otherW]);
    expect(r.code, r.stderr).toBe(0);
    const fp = graphFingerprint(graphOf(other));
    expect(fp).not.toBe(graphFingerprint(graph));
    const e = await thrown(() => plain.loadSafetensorsWeights(plain.createModel(), bytes(otherW)));
    expect(e.name).toBe('WeightsMismatchError');
    expect(e.message).toBe(
      `these weights were made for graph ${fp}, not for this module's ${graphFingerprint(graph)} (model lenet_bn)`,
    );
  });

  it('refuses bytes that are not a safetensors file, and --weights without --optimize', async () => {
    const e = await thrown(() =>
      plain.loadSafetensorsWeights(plain.createModel(), new Uint8Array(4)),
    );
    expect(e.name).toBe('WeightsFormatError');
    const r = await netc(['compile', lenet, '-o', join(dir, 'no.ts'), '--weights', W]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--weights with --target ts needs --optimize/);
    expect(existsSync(join(dir, 'no.ts'))).toBe(false);
  });
});
