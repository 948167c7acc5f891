/**
 * Fuzzing the tfjs `model.json` reader: random JSON put anywhere in a valid manifest, random
 * weight paths and random texts give a manifest that is consistent (every entry well formed,
 * the byte count its sum) or a `WeightsFileError` / `TfjsFilesError`, never another exception;
 * on disk, reading the folder ends the same way or in `WeightMismatchError`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialWeights } from '../../compiler/initial-weights.js';
import { WeightMismatchError } from '../../compiler/weights-check.js';
import { entryBytes, parseModelJson } from '../../io/tfjs-manifest.js';
import { readTfjsFolder, writeTfjsFolder } from '../../io/tfjs-weights.js';
import { TfjsFilesError, WeightsFileError } from '../../io/weights-errors.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { useTempDirs } from './helpers.js';

const WHERE = 'fuzz/model.json';

function isReaderError(error: unknown): boolean {
  return error instanceof WeightsFileError || error instanceof TfjsFilesError;
}

function outcome(text: string): 'ok' | 'error' {
  let parsed;
  try {
    parsed = parseModelJson(text, WHERE);
  } catch (error) {
    if (!isReaderError(error)) throw error;
    expect((error as Error).message.length).toBeLessThan(1000);
    return 'error';
  }
  let bytes = 0;
  for (const group of parsed.manifest) {
    for (const p of group.paths) expect(typeof p).toBe('string');
    for (const e of group.weights) {
      expect(typeof e.name).toBe('string');
      expect(e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)).toBe(true);
      expect(Number.isSafeInteger(entryBytes(e))).toBe(true);
      bytes += entryBytes(e);
    }
  }
  expect(parsed.bytes).toBe(bytes);
  return 'ok';
}

const VALID = {
  format: 'layers-model',
  weightsManifest: [
    {
      paths: ['weights.bin'],
      weights: [
        { name: 'd/kernel', shape: [4, 3], dtype: 'float32' },
        { name: 'd/bias', shape: [3], dtype: 'float32' },
        {
          name: 'q',
          shape: [2, 2],
          dtype: 'int32',
          quantization: { dtype: 'uint8', scale: 1, min: 0 },
        },
      ],
    },
  ],
};

/** A key path into VALID, so that random values land in every place a manifest has. */
const spots: (string | number)[][] = [
  ['weightsManifest'],
  ['weightsManifest', 0],
  ['weightsManifest', 0, 'paths'],
  ['weightsManifest', 0, 'paths', 0],
  ['weightsManifest', 0, 'weights'],
  ['weightsManifest', 0, 'weights', 1],
  ['weightsManifest', 0, 'weights', 0, 'name'],
  ['weightsManifest', 0, 'weights', 0, 'shape'],
  ['weightsManifest', 0, 'weights', 0, 'shape', 1],
  ['weightsManifest', 0, 'weights', 1, 'dtype'],
  ['weightsManifest', 0, 'weights', 2, 'quantization'],
  ['weightsManifest', 0, 'weights', 2, 'quantization', 'dtype'],
  ['weightsManifest', 0, 'weights', 2, 'quantization', 'scale'],
];

function put(json: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  if (typeof json !== 'object' || json === null) return json;
  const copy = (Array.isArray(json) ? [...(json as unknown[])] : { ...json }) as Record<
    string | number,
    unknown
  >;
  copy[path[0]] = put(copy[path[0]], path.slice(1), value);
  return copy;
}

const values = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 1.5, 2 ** 53, 1e308, 'float16', 'uint16', 'string', 'bool', [
    2 ** 31,
    2 ** 31,
  ]),
  fc.array(fc.integer({ min: -2, max: 2 ** 31 }), { maxLength: 4 }),
);

describe('fuzzing parseModelJson', () => {
  it('random values anywhere in a valid manifest', () => {
    expect(outcome(JSON.stringify(VALID))).toBe('ok');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...spots), values), { minLength: 1, maxLength: 3 }),
        (edits) => {
          let json: unknown = VALID;
          for (const [path, value] of edits) json = put(json, path, value);
          outcome(JSON.stringify(json));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random texts and random JSON documents', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.json({ maxDepth: 5 })), (text) => {
        outcome(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fuzzing readTfjsFolder on disk', () => {
  const tempDir = useTempDirs();
  const graph = graphOfText('model m(x: [4]) {\n  return x |> dense(3)\n}');

  it('random weight paths and manifest values: weights, or the reader errors', async () => {
    const dir = await tempDir();
    await writeTfjsFolder(dir, graph, initialWeights(graph, 1));
    const where = join(dir, 'model.json');
    const valid = JSON.parse(await readFile(where, 'utf8')) as typeof VALID;
    const shard = valid.weightsManifest[0].paths[0];
    const names = fc.oneof(
      fc.constantFrom(
        shard,
        `./${shard}`,
        '.',
        '..',
        '/',
        'model.json',
        `${shard}/x`,
        'a'.repeat(300),
      ),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(names, { maxLength: 3 }),
        fc.option(fc.tuple(fc.constantFrom(...spots.slice(5)), values)),
        async (paths, edit) => {
          let json: unknown = put(valid, ['weightsManifest', 0, 'paths'], paths);
          if (edit) json = put(json, edit[0], edit[1]);
          await writeFile(where, JSON.stringify(json));
          try {
            const weights = await readTfjsFolder(dir, graph);
            expect([...weights.keys()]).toEqual(['dense_0/kernel', 'dense_0/bias']);
          } catch (error) {
            if (!isReaderError(error) && !(error instanceof WeightMismatchError)) throw error;
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
