/**
 * Hostile tfjs folders (io/tfjs-manifest.ts, io/tfjs-weights.ts): a malformed `model.json` is a
 * located `WeightsFileError` (file and key path), never another exception; weight shards must be
 * regular files inside the folder, and the messages disclose nothing about files outside.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, realpath, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialWeights } from '../../compiler/initial-weights.js';
import {
  MAX_MANIFEST_WEIGHTS,
  MAX_MODEL_JSON_DEPTH,
  parseModelJson,
} from '../../io/tfjs-manifest.js';
import { readTfjsFolder, TfjsFilesError, writeTfjsFolder } from '../../io/tfjs-weights.js';
import { WeightsFileError } from '../../io/weights-errors.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { useTempDirs } from './helpers.js';

const W = 'm/model.json';

function manifestError(json: unknown): string {
  const text = typeof json === 'string' ? json : JSON.stringify(json);
  try {
    parseModelJson(text, W);
  } catch (error) {
    expect(error).toBeInstanceOf(WeightsFileError);
    return (error as Error).message;
  }
  throw new Error('expected a WeightsFileError');
}

const entry = (e: Record<string, unknown>) => ({
  name: 'd/kernel',
  shape: [2],
  dtype: 'float32',
  ...e,
});
const oneGroup = (e: unknown) => ({ weightsManifest: [{ paths: ['w.bin'], weights: [e] }] });

describe('parseModelJson', () => {
  it('accepts a well-formed manifest and counts the bytes it describes', () => {
    const json = {
      weightsManifest: [
        { paths: ['a.bin'], weights: [entry({ shape: [2, 3] }), entry({ dtype: 'bool' })] },
        {
          paths: ['b.bin'],
          weights: [entry({ quantization: { dtype: 'uint8', scale: 0.5, min: -1 } })],
        },
      ],
    };
    expect(parseModelJson(JSON.stringify(json), W).bytes).toBe(2 * 3 * 4 + 2 * 1 + 2 * 1);
    expect(parseModelJson('{}', W).manifest).toEqual([]);
  });

  it('locates each kind of malformed manifest by key path', () => {
    const cases: [unknown, string][] = [
      [
        { weightsManifest: {} },
        'weightsManifest: expected a list of {paths, weights} groups, found {}',
      ],
      [
        { weightsManifest: [7] },
        'weightsManifest[0]: expected an object {paths, weights}, found 7',
      ],
      [
        { weightsManifest: [{ paths: 'w.bin', weights: [] }] },
        'weightsManifest[0].paths: expected a list, found "w.bin"',
      ],
      [
        { weightsManifest: [{ paths: ['w.bin'] }] },
        'weightsManifest[0].weights: expected a list, found nothing',
      ],
      [
        { weightsManifest: [{ paths: [3], weights: [] }] },
        'weightsManifest[0].paths[0]: expected a file name, found 3',
      ],
      [
        oneGroup(null),
        'weightsManifest[0].weights[0]: expected an object {name, shape, dtype}, found null',
      ],
      [
        oneGroup(entry({ name: 5 })),
        'weightsManifest[0].weights[0].name: expected a string, found 5',
      ],
      [
        oneGroup({ name: 'd/kernel', dtype: 'float32' }),
        'weightsManifest[0].weights[0].shape: expected a list of non-negative integers, found nothing',
      ],
      [
        oneGroup(entry({ shape: 'abc' })),
        'weightsManifest[0].weights[0].shape: expected a list of non-negative integers, found "abc"',
      ],
      [
        oneGroup(entry({ shape: [2, -1] })),
        'weightsManifest[0].weights[0].shape: expected a list of non-negative integers, found [2,-1]',
      ],
      [
        oneGroup(entry({ shape: [1.5] })),
        'weightsManifest[0].weights[0].shape: expected a list of non-negative integers, found [1.5]',
      ],
      [
        oneGroup(entry({ dtype: 'float64' })),
        "weightsManifest[0].weights[0].dtype: weight 'd/kernel' has dtype 'float64', which is not numeric (netc reads float32, int32 and bool)",
      ],
      [
        oneGroup(entry({ dtype: ['float32'] })),
        'weightsManifest[0].weights[0].dtype: expected a string (float32, int32 and bool), found ["float32"]',
      ],
      [
        oneGroup(entry({ quantization: { dtype: 'int4' } })),
        'weightsManifest[0].weights[0].quantization: expected {dtype: uint8, uint16 and float16, ...}, found {"dtype":"int4"}',
      ],
      [
        oneGroup(entry({ quantization: { dtype: 'uint8', min: 0 } })),
        'weightsManifest[0].weights[0].quantization.scale: expected a number, found nothing',
      ],
      [
        oneGroup(entry({ dtype: 'int32', quantization: { dtype: 'float16' } })),
        "weightsManifest[0].weights[0].quantization: weight 'd/kernel': float16 quantization of int32",
      ],
      [
        // 2^52 elements: the count is a safe integer, the bytes are not.
        oneGroup(entry({ shape: [2 ** 26, 2 ** 26] })),
        "weightsManifest[0].weights[0].shape: weight 'd/kernel' of shape [67108864, 67108864] takes more than the 2 GiB of weights netc reads",
      ],
      [
        oneGroup(entry({ shape: [2 ** 40, 2 ** 40, 2 ** 40] })),
        "weightsManifest[0].weights[0].shape: weight 'd/kernel' of shape [1099511627776, 1099511627776, 1099511627776] takes more than the 2 GiB of weights netc reads",
      ],
    ];
    for (const [json, message] of cases) expect(manifestError(json)).toBe(`${W}: ${message}`);
  });

  it('refuses weights that add up to more than 2 GiB', () => {
    const big = entry({ shape: [2 ** 28] }); // 1 GiB of float32
    expect(
      manifestError({ weightsManifest: [{ paths: ['w.bin'], weights: [big, big, big] }] }),
    ).toBe(
      `${W}: weightsManifest[0].weights[2]: the weights up to here take more than the 2 GiB netc reads`,
    );
  });

  it('refuses a manifest of a million entries at once, with a short message', () => {
    const weights = Array.from({ length: 1_000_000 }, () => ({}));
    const message = manifestError({ weightsManifest: [{ paths: ['w.bin'], weights }] });
    expect(message).toBe(
      `${W}: weightsManifest: lists 1000000 weights; netc reads at most ${MAX_MANIFEST_WEIGHTS}`,
    );
  });

  it('refuses deep nesting before parsing, and bad JSON, as TfjsFilesError', () => {
    const deep = `{"modelTopology": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => parseModelJson(deep, W)).toThrow(
      new TfjsFilesError(
        `${W} nests deeper than ${MAX_MODEL_JSON_DEPTH} levels (at offset ${18 + MAX_MODEL_JSON_DEPTH - 1}); netc reads at most ${MAX_MODEL_JSON_DEPTH}`,
      ),
    );
    // Brackets inside strings do not nest.
    expect(parseModelJson(`{"s": "${'['.repeat(1000)}"}`, W).manifest).toEqual([]);
    expect(() => parseModelJson('{', W)).toThrow(TfjsFilesError);
    expect(() => parseModelJson('[]', W)).toThrow(new TfjsFilesError(`${W} is not a JSON object`));
  });

  it('quotes at most a short piece of a long value', () => {
    const message = manifestError(oneGroup(entry({ dtype: 'x'.repeat(1_000_000) })));
    expect(message.length).toBeLessThan(300);
  });
});

describe('the weight files of a tfjs folder', () => {
  const tempDir = useTempDirs();
  const graph = graphOfText('model m(x: [4]) {\n  return x |> dense(3)\n}');
  const weights = initialWeights(graph, 3);

  /** `root/model` written by netc, and `root/outside.bin` as big as its weights.bin. */
  async function folder() {
    const root = await realpath(await tempDir());
    const dir = join(root, 'model');
    await writeTfjsFolder(dir, graph, weights);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const shard: string = json.weightsManifest[0].paths[0];
    const bytes = await readFile(join(dir, shard));
    await writeFile(join(root, 'outside.bin'), bytes);
    return { root, dir, json, shard };
  }

  async function folderError(dir: string): Promise<string> {
    const error = await readTfjsFolder(dir, graph).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WeightsFileError);
    return (error as Error).message;
  }

  it('reads a shard linked from inside the folder', async () => {
    const { dir, json, shard } = await folder();
    await mkdir(join(dir, 'shards'));
    await symlink(join('..', shard), join(dir, 'shards', 'linked.bin'));
    json.weightsManifest[0].paths = ['shards/linked.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    expect(await readTfjsFolder(dir, graph)).toEqual(weights);
  });

  it('refuses a shard that links out of the folder, saying nothing about the target', async () => {
    const { root, dir, shard } = await folder();
    const where = join(dir, 'model.json');
    await unlink(join(dir, shard));
    await symlink(join(root, 'outside.bin'), join(dir, shard));
    const linked = await folderError(dir);
    expect(linked).toBe(
      `${where}: weightsManifest[0].paths[0]: '${shard}' is outside the model folder (a symbolic link leading out of it)`,
    );
    await unlink(join(dir, shard));
    await symlink(join(root, 'missing.bin'), join(dir, shard));
    expect(await folderError(dir)).toBe(linked);
    await unlink(join(dir, shard));
    await symlink('/dev/zero', join(dir, shard));
    expect(await folderError(dir)).toBe(linked);
  });

  it('refuses absolute and upward paths in the manifest', async () => {
    const { root, dir, json } = await folder();
    const where = join(dir, 'model.json');
    for (const [path, why] of [
      [join(root, 'outside.bin'), 'an absolute path'],
      ['../outside.bin', "a path going up with '..'"],
    ]) {
      json.weightsManifest[0].paths = [path];
      await writeFile(where, JSON.stringify(json));
      expect(await folderError(dir)).toBe(
        `${where}: weightsManifest[0].paths[0]: '${path}' is outside the model folder (${why})`,
      );
    }
  });

  it('refuses a missing shard, a FIFO shard and a model.json linked from outside', async () => {
    const { root, dir, json, shard } = await folder();
    const where = join(dir, 'model.json');
    json.weightsManifest[0].paths = ['nope.bin'];
    await writeFile(where, JSON.stringify(json));
    expect(await folderError(dir)).toBe(
      `${where}: weightsManifest[0].paths[0]: the model folder holds no file 'nope.bin'`,
    );
    json.weightsManifest[0].paths = [shard];
    await writeFile(where, JSON.stringify(json));
    await unlink(join(dir, shard));
    execFileSync('mkfifo', [join(dir, shard)]);
    expect(await folderError(dir)).toBe(
      `${where}: weightsManifest[0].paths[0]: cannot read ${join(dir, shard)}: not a regular file (a device, FIFO or socket)`,
    );
    await writeFile(join(root, 'elsewhere.json'), JSON.stringify(json));
    await unlink(where);
    await symlink(join(root, 'elsewhere.json'), where);
    expect(await folderError(dir)).toBe(
      `${where} is outside the model folder (a symbolic link leading out of it)`,
    );
  });

  it('a shard larger than the manifest describes is reported without reading further', async () => {
    const { dir, json, shard } = await folder();
    const where = join(dir, 'model.json');
    await writeFile(join(dir, 'extra.bin'), new Uint8Array(8));
    json.weightsManifest[0].paths = [shard, 'extra.bin', 'never-read.bin'];
    await writeFile(where, JSON.stringify(json));
    expect(await folderError(dir)).toBe(
      `${dir}: the manifest in model.json describes 60 bytes of weights, the weight files hold more (68 up to 'extra.bin')`,
    );
  });
});
