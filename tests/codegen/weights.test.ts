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

/** A safetensors file of raw tensors in any dtype, written by hand (the reader's ground truth). */
function safetensorsOf(
  tensors: { name: string; dtype: string; shape: number[]; data: Uint8Array }[],
) {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = {
      dtype: t.dtype,
      shape: t.shape,
      data_offsets: [offset, offset + t.data.length],
    };
    offset += t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return out;
}

/** Half-precision bit patterns with their values, worked out by hand (sign, exponent, fraction). */
const HALVES: [number, number][] = [
  [0x3c00, 1],
  [0xc000, -2],
  [0x3555, 0.25 * (1 + 0x155 / 1024)], // exponent 13, fraction 0x155
  [0x0001, 2 ** -24], // the smallest subnormal
  [0x03ff, 1023 * 2 ** -24], // the largest subnormal
  [0x7bff, 65504], // the largest finite half
  [0x8000, -0],
];

describe('a compiled module reads safetensors in F16, BF16 and F64 as float32', () => {
  let m: Compiled;
  let tensors: Map<string, { shape: number[]; data: Float32Array }>;
  beforeAll(async () => {
    m = await compile('dtypes');
    tensors = decodeSafetensors(bytes(W)).tensors;
  });

  /** The module's weights after loading `file`, in model order. */
  const loaded = (file: Uint8Array): Float32Array[] => {
    const model = m.createModel();
    m.loadSafetensorsWeights(model, file);
    const out = model.getWeights().map((t) => t.dataSync() as Float32Array);
    model.dispose();
    return out;
  };
  /** F32 file holding `values(name, count)` for each tensor; the same values in `dtype`. */
  const pair = (dtype: string, width: number, fill: (view: DataView, i: number) => number) => {
    const f32 = [...tensors].map(([name, t]) => {
      const raw = new Uint8Array(t.data.length * width);
      const view = new DataView(raw.buffer);
      const values = new Float32Array(t.data.length);
      for (let i = 0; i < values.length; i++) values[i] = fill(view, i);
      return { name, shape: t.shape, raw, values };
    });
    return {
      expected: encodeSafetensors(
        f32.map(({ name, shape, values }) => ({ name, shape, data: values })),
      ),
      file: safetensorsOf(f32.map(({ name, shape, raw }) => ({ name, dtype, shape, data: raw }))),
    };
  };

  it('F16: every bit pattern widened exactly, subnormals and the largest half included', () => {
    // Hand-worked patterns first, then pseudo-random finite halves of magnitude below 4.
    const random = pseudoRandom(1 << 16, 11);
    const { expected, file } = pair('F16', 2, (view, i) => {
      const [bits, value] =
        i < HALVES.length
          ? HALVES[i]
          : (() => {
              const b =
                Math.floor(Math.abs(random[i % random.length]) * 0x4400) ^ (i & 1 ? 0x8000 : 0);
              const e = (b >> 10) & 31;
              const f = b & 1023;
              const v = e === 0 ? f * 2 ** -24 : (1 + f / 1024) * 2 ** (e - 15);
              return [b, b & 0x8000 ? -v : v] as [number, number];
            })();
      view.setUint16(2 * i, bits, true);
      return value;
    });
    const got = loaded(file);
    expect(got).toEqual(loaded(expected));
    expect(Object.is(got.find((w) => w.length >= HALVES.length)![6], -0)).toBe(true);
  });

  it('BF16: the upper half of a float32, exactly', () => {
    const random = pseudoRandom(4096, 12);
    const { expected, file } = pair('BF16', 2, (view, i) => {
      const f = Math.fround(random[i % random.length] * 3);
      const bits = new Uint32Array(new Float32Array([f]).buffer)[0] >>> 16;
      view.setUint16(2 * i, bits, true);
      return new Float32Array(new Uint32Array([bits << 16]).buffer)[0];
    });
    expect(loaded(file)).toEqual(loaded(expected));
  });

  it('F64: rounded to the nearest float32', () => {
    const random = pseudoRandom(4096, 13);
    const { expected, file } = pair('F64', 8, (view, i) => {
      const d = random[i % random.length] / 3; // not a float32: rounding is needed
      view.setFloat64(8 * i, d, true);
      return Math.fround(d);
    });
    expect(loaded(file)).toEqual(loaded(expected));
  });

  it('refuses any other dtype, naming the tensor and the dtype; the model is left as it was', async () => {
    const [name, t] = [...tensors][0];
    const file = safetensorsOf([
      { name, dtype: 'I32', shape: t.shape, data: new Uint8Array(4 * t.data.length) },
    ]);
    const model = m.createModel();
    const before = predict(model);
    const e = await thrown(() => m.loadSafetensorsWeights(model, file));
    expect(e.name).toBe('WeightsFormatError');
    expect(e.message).toBe(
      `safetensors: tensor '${name}' is "I32": only F32, F16, BF16 and F64 are read (as float32)`,
    );
    expect(predict(model)).toEqual(before);
    model.dispose();
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
