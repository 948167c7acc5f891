/**
 * ONNX external data (codegen/onnx/external-data.ts, io/onnx-publish.ts): when the weights go to
 * a data file (decided from sizes alone, so the 2 GB rule is tested without allocating 2 GB),
 * where each tensor lands (aligned offsets, the bytes of the weights themselves), and that ONNX
 * Runtime computes the same outputs from a model with external data as tfjs, from a file
 * (`netc compile --external-data`) and in memory (the engine). Publishing: at every point a
 * crash could stop an export, the files on disk load as the old model or the new one.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshot, type Snapshot } from '../../io/folder-snapshot.js';
import {
  EXTERNAL_ALIGN,
  EXTERNAL_MIN_TENSOR_BYTES,
  MAX_INLINE_MODEL_BYTES,
  modelSizeBound,
  planExternalData,
} from '../../../codegen/onnx/external-data.js';
import { exportOnnx, exportOnnxModel } from '../../../codegen/onnx/export.js';
import { onnx, type OnnxProto } from '../../../codegen/onnx/proto.js';
import { initialWeights } from '../../../compiler/initial-weights.js';
import type { GraphWeights } from '../../../compiler/ir/weights.js';
import { loadOnnxRuntime } from '../../../engines/onnxruntime-loader.js';
import { OutputFileError } from '../../../io/atomic-write.js';
import { isOwnDataFile, publishOnnxModel } from '../../../io/onnx-publish.js';
import { nodeWriteFs, withWriteFs } from '../../../io/write-fs.js';
import { netc, readArray, tempDir as tempRoot, writeArray, writeText } from '../../cli/helpers.js';
import { graphOfText } from '../../compiler/passes/helpers.js';
import { decode, ortAvailable, parity, pseudoRandom } from './helpers.js';

const SOURCE = `model wide(x: [20]) {
  h = x |> dense(64, activation: "relu", name: "d1")
  return y: h |> dense(8, name: "d2")
}
`;
const graph = graphOfText(SOURCE);
const root = tempRoot();
const tempDir = () => mkdtempSync(join(root, 'case-'));
const OLD = initialWeights(graph, 1);
const NEW = initialWeights(graph, 2);

describe('planExternalData: when the weights leave the model', () => {
  it('auto keeps a model inline up to 2,000,000,000 bytes and moves them out beyond', () => {
    // 1 MB of graph and two 1e9-byte tensors: the bound 2.001e9 + 88 exceeds 2e9. The second
    // starts at the first multiple of 4096 after 1e9, 244,141 * 4096.
    const big = planExternalData('auto', 1_000_000, [1e9, 1e9, 40]);
    expect(big.offsets).toEqual([0, 1_000_001_536, undefined]);
    expect(big.length).toBe(1_000_001_536 + 1e9);
    // Two 999,000,000-byte tensors: 1,999,000,088 bytes at most, inline.
    expect(planExternalData('auto', 1_000_000, [999e6, 999e6, 40]).length).toBe(0);
    // Just at the limit: inline.
    const rest = MAX_INLINE_MODEL_BYTES - 2 * (2000 + 16);
    expect(modelSizeBound(rest, [2000, 2000])).toBe(MAX_INLINE_MODEL_BYTES);
    expect(planExternalData('auto', rest, [2000, 2000]).length).toBe(0);
    expect(planExternalData('auto', rest + 1, [2000, 2000]).offsets).toEqual([0, 4096]);
    expect(MAX_INLINE_MODEL_BYTES).toBeLessThan(2 ** 31 - 1);
  });

  it('always moves every tensor of 1024 bytes or more, each at a multiple of 4096', () => {
    const plan = planExternalData('always', 100, [1024, 1023, 5000, 4096, 8]);
    expect(EXTERNAL_MIN_TENSOR_BYTES).toBe(1024);
    expect(EXTERNAL_ALIGN).toBe(4096);
    expect(plan.offsets).toEqual([0, undefined, 4096, 12288, undefined]);
    expect(plan.length).toBe(12288 + 4096);
    expect(planExternalData('never', 3e9, [3e9]).length).toBe(0);
  });

  it('the size bound is never below the encoded size of a real model', () => {
    const model = exportOnnx(graph, OLD);
    const m = decode(model);
    const sizes = m.graph!.initializer!.map((t) => t.rawData!.length);
    for (const t of m.graph!.initializer!) t.rawData = new Uint8Array(0);
    const rest = onnx.ModelProto.encode(m).finish().length;
    expect(modelSizeBound(rest, sizes)).toBeGreaterThanOrEqual(model.length);
  });
});

/** The value of an external_data key of a tensor. */
const entry = (t: OnnxProto.ITensorProto, key: string) =>
  t.externalData?.find((e) => e.key === key)?.value;

describe('exportOnnxModel with external data', () => {
  it('moves the large weights to a content-named file, each at its offset', () => {
    const { model, data } = exportOnnxModel(graph, OLD, {
      externalData: 'always',
      modelFileName: 'm.onnx',
    });
    expect(data!.name).toMatch(/^m\.onnx\.[0-9a-f]{16}\.data$/);
    const bytes = Buffer.concat(data!.chunks);
    expect(bytes.length).toBe(data!.length);
    const inits = decode(model).graph!.initializer!;
    const byName = new Map(inits.map((t) => [t.name, t]));
    // d1/kernel (20x64 floats) and d2/kernel (64x8) go out; the biases (256 and 32 bytes) stay.
    const kernel = byName.get('d1/kernel')!;
    expect(kernel.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    expect(entry(kernel, 'location')).toBe(data!.name);
    expect(kernel.rawData?.length ?? 0).toBe(0);
    for (const [name, key] of [
      ['d1/kernel', 'd1/kernel'],
      ['d2/kernel', 'd2/kernel'],
    ] as const) {
      const t = byName.get(name)!;
      const offset = Number(entry(t, 'offset'));
      const length = Number(entry(t, 'length'));
      expect(offset % 4096).toBe(0);
      const want = OLD.get(key)!.data;
      expect(length).toBe(want.byteLength);
      const got = new Float32Array(
        bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + length),
      );
      expect([...got]).toEqual([...want]);
    }
    const bias = byName.get('d1/bias')!;
    expect(bias.dataLocation ?? 0).toBe(onnx.TensorProto.DataLocation.DEFAULT);
    expect(bias.rawData!.length).toBe(64 * 4);
  });

  it('--external-data is for --target onnx only (exit 2)', async () => {
    const src = writeText(tempDir(), 'wide.net', SOURCE);
    const r = await netc(['compile', src, '--external-data']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--external-data applies to --target onnx only');
  });

  it('auto keeps a small model inline: the bytes exportOnnx writes', () => {
    const { model, data } = exportOnnxModel(graph, OLD);
    expect(data).toBeUndefined();
    expect(Buffer.from(model).equals(Buffer.from(exportOnnx(graph, OLD)))).toBe(true);
  });
});

/** Runs the model file at `path` (ONNX Runtime finds its data file beside it) on one input. */
async function runFile(path: string, x: Float32Array): Promise<number[]> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(path);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, [2, 20]) });
    return [...(out[session.outputNames[0]].data as Float32Array)];
  } finally {
    await session.release();
  }
}

const X = pseudoRandom(40, 5);

describe.skipIf(!ortAvailable)('ONNX Runtime runs models with external data', () => {
  it('netc compile --external-data: the same outputs as netc run on tfjs', async () => {
    const dir = tempDir();
    const src = writeText(dir, 'wide.net', SOURCE);
    const out = join(dir, 'wide.onnx');
    const r = await netc(['compile', src, '--target', 'onnx', '--external-data', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(dir).filter((n) => n.endsWith('.data'));
    expect(files).toHaveLength(1);
    expect(r.stdout).toContain(`wrote ${join(dir, files[0])}`);
    expect(r.stdout).toMatch(/MB of external data/);
    const x = await writeArray(dir, 'x.npy', [2, 20], [...X]);
    const y = join(dir, 'y.npy');
    expect((await netc(['run', src, '--input', x, '--seed', '0', '--output', y])).code).toBe(0);
    const want = (await readArray(y)).data;
    const got = await runFile(out, X);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    // --check finds both files up to date, and a missing data file out of date.
    const check = ['compile', src, '--target', 'onnx', '--external-data', '-o', out, '--check'];
    expect((await netc(check)).code).toBe(0);
    writeFileSync(join(dir, files[0]), 'truncated');
    const stale = await netc(check);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`${join(dir, files[0])}: out of date`);
  });

  it('the engine, with its weights in an in-memory data file, matches tfjs', async () => {
    const [p] = await parity(graph, { externalData: 'always' });
    expect(p.finite).toBe(true);
    expect(p.error).toBeLessThanOrEqual(1e-5);
  });
});

/** Exports `weights` to `dir/m.onnx` (external data when `external`). */
async function publish(dir: string, weights: GraphWeights, external: boolean): Promise<void> {
  const { model, data } = exportOnnxModel(graph, weights, {
    externalData: external ? 'always' : 'never',
    modelFileName: 'm.onnx',
  });
  await publishOnnxModel(join(dir, 'm.onnx'), model, data);
}

/** Which model a snapshot's `m.onnx` computes: 'old', 'new', or why neither. */
async function whichModel(files: Snapshot, at: string, expected: Record<string, number[]>) {
  const dir = tempDir();
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
  let got: number[];
  try {
    got = await runFile(join(dir, 'm.onnx'), X);
  } catch (e) {
    return `unloadable ${at}: ${(e as Error).message.split('\n')[0]}`;
  }
  const close = (want: number[]) => want.every((v, i) => Math.abs(v - got[i]) < 1e-6);
  return close(expected.old) ? 'old' : close(expected.new) ? 'new' : `mixed ${at}`;
}

describe.skipIf(!ortAvailable)('publishOnnxModel is crash-safe', () => {
  for (const [from, to] of [
    [true, true],
    [false, true],
    [true, false],
  ] as const) {
    const label = (e: boolean) => (e ? 'external data' : 'inline');
    it(`${label(from)} -> ${label(to)}: every intermediate state loads as the old or the new model`, async () => {
      const ref = tempDir();
      await publish(ref, OLD, false);
      const old = await runFile(join(ref, 'm.onnx'), X);
      await publish(ref, NEW, false);
      const expected = { old, new: await runFile(join(ref, 'm.onnx'), X) };

      const dir = tempDir();
      await publish(dir, OLD, from);
      const steps: string[] = [];
      const states: Snapshot[] = [];
      const record = (step: string) => {
        steps.push(step.replaceAll(dir + '/', ''));
        states.push(snapshot(dir));
      };
      await withWriteFs(
        {
          renameSync: (a, b) => {
            record(`rename -> ${b}`);
            nodeWriteFs.renameSync(a, b);
          },
          unlinkSync: (p) => {
            record(`remove ${p}`);
            nodeWriteFs.unlinkSync(p);
          },
        },
        () => publish(dir, NEW, to),
      );
      record('end');
      const seen = [];
      for (const [i, s] of states.entries()) seen.push(await whichModel(s, steps[i], expected));
      expect(seen[0]).toBe('old');
      expect(seen.at(-1)).toBe('new');
      expect(seen.every((w) => w === 'old' || w === 'new')).toBe(true);
      // The model is renamed into place after its data file, and no stale data file is left.
      const renames = steps.filter((s) => s.startsWith('rename'));
      expect(renames.at(-1)).toBe('rename -> m.onnx');
      const left = readdirSync(dir).filter((n) => isOwnDataFile('m.onnx', n));
      expect(left).toHaveLength(to ? 1 : 0);
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('a data file that cannot be written leaves the old model and its data file', async () => {
    const dir = tempDir();
    await publish(dir, OLD, true);
    const before = snapshot(dir);
    const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    await expect(
      withWriteFs(
        {
          writeSync: () => {
            throw full;
          },
        },
        () => publish(dir, NEW, true),
      ),
    ).rejects.toBeInstanceOf(OutputFileError);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a data file netc did not write is kept; a model of another name keeps its own', async () => {
    const dir = tempDir();
    await publish(dir, OLD, true);
    const other = join(dir, 'm.onnx.data');
    writeFileSync(other, 'not ours');
    const otherModel = join(dir, 'n.onnx.0123456789abcdef.data');
    copyFileSync(other, otherModel);
    await publish(dir, NEW, true);
    expect(readFileSync(other, 'utf8')).toBe('not ours');
    expect(readFileSync(otherModel, 'utf8')).toBe('not ours');
  });
});
