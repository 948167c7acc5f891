/**
 * Matching a model's expected weights against a set of named tensors (from a safetensors file,
 * a folder of `.npy` files, ...). All mismatches are collected and reported together; nothing
 * is returned unless everything matches, so callers never half-load a model.
 */
import { formatShape } from '../../io/elements.js';

export type NamedWeight = { name: string; shape: number[]; data: Float32Array };

export interface ExpectedWeight {
  name: string;
  shape: readonly number[];
}

export interface MisshapedWeight {
  name: string;
  expected: number[];
  found: number[];
}

export interface BadLengthWeight {
  name: string;
  shape: number[];
  length: number;
}

export class WeightMismatchError extends Error {
  override name = 'WeightMismatchError';
  constructor(
    readonly missing: string[],
    readonly unexpected: string[],
    readonly misshaped: MisshapedWeight[],
    readonly badLength: BadLengthWeight[] = [],
  ) {
    super(mismatchMessage(missing, unexpected, misshaped, badLength));
  }
}

function mismatchMessage(
  missing: string[],
  unexpected: string[],
  misshaped: MisshapedWeight[],
  badLength: BadLengthWeight[],
): string {
  const lines = ['weights do not match the model:'];
  if (missing.length > 0) lines.push(`  missing (${missing.length}): ${missing.join(', ')}`);
  if (unexpected.length > 0)
    lines.push(`  unexpected (${unexpected.length}): ${unexpected.join(', ')}`);
  for (const { name, expected, found } of misshaped) {
    lines.push(
      `  wrong shape: ${name}: expected ${formatShape(expected)}, found ${formatShape(found)}`,
    );
  }
  for (const { name, shape, length } of badLength) {
    lines.push(`  wrong data length: ${name}: shape ${formatShape(shape)} but ${length} values`);
  }
  return lines.join('\n');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/**
 * The data of each expected weight, in `expected` order; throws `WeightMismatchError` listing
 * every missing, unexpected and mis-shaped tensor if the two sets do not match exactly.
 */
export function matchWeights(
  expected: readonly ExpectedWeight[],
  given: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
): Float32Array[] {
  const names = new Set(expected.map((w) => w.name));
  if (names.size !== expected.length)
    throw new Error('matchWeights: duplicate expected weight names');
  const missing = expected.filter((w) => !given.has(w.name)).map((w) => w.name);
  const unexpected = [...given.keys()].filter((name) => !names.has(name));
  const misshaped: MisshapedWeight[] = [];
  const badLength: BadLengthWeight[] = [];
  for (const { name, shape } of expected) {
    const found = given.get(name);
    if (!found) continue;
    if (!sameShape(shape, found.shape)) {
      misshaped.push({ name, expected: [...shape], found: [...found.shape] });
    } else if (found.data.length !== shape.reduce((a, b) => a * b, 1)) {
      badLength.push({ name, shape: [...shape], length: found.data.length });
    }
  }
  if (missing.length + unexpected.length + misshaped.length + badLength.length > 0) {
    throw new WeightMismatchError(missing, unexpected, misshaped, badLength);
  }
  return expected.map((w) => given.get(w.name)!.data);
}
