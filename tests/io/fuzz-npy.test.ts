/**
 * Fuzzing the `.npy` reader: valid files with their headers rewritten, their bytes flipped or
 * cut short decode to a consistent array (the shape's element count is the data's length) or
 * throw `NpyError`, never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeSize } from '../../io/elements.js';
import { encodeNpy, NpyError, parseNpy } from '../../io/npy.js';
import { ascii, le16 } from './helpers.js';

/** parseNpy's outcome: the array, checked for consistency, or the NpyError (anything else fails). */
function outcome(bytes: Uint8Array): 'ok' | 'error' {
  let array;
  try {
    array = parseNpy(bytes);
  } catch (error) {
    if (error instanceof NpyError) {
      expect(error.message.length).toBeLessThan(1000);
      return 'error';
    }
    throw error;
  }
  expect(shapeSize(array.shape)).toBe(array.data.length);
  expect(array.data).toBeInstanceOf(Float32Array);
  return 'ok';
}

const shapes = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
const arrays = shapes.chain((shape) =>
  fc
    .array(fc.float({ noNaN: true }), {
      minLength: shapeSize(shape) as number,
      maxLength: shapeSize(shape) as number,
    })
    .map((values) => ({ shape, data: Float32Array.from(values) })),
);

/** A version 1.0 file with `header` (padded) and `data`. */
function withHeader(header: string, data: Uint8Array): Uint8Array {
  let text = header;
  while ((10 + text.length + 1) % 64 !== 0) text += ' ';
  text += '\n';
  const bytes = ascii(text).map((c) => c & 0xff);
  return new Uint8Array([0x93, ...ascii('NUMPY'), 1, 0, ...le16(bytes.length), ...bytes, ...data]);
}

/** Pieces of Python literal syntax, so that random headers are often almost valid. */
const token = fc.constantFrom(
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  ' ',
  "'descr'",
  "'shape'",
  "'fortran_order'",
  "'<f4'",
  "'<f8'",
  "'|b1'",
  "'>i2'",
  "'<c8'",
  'True',
  'False',
  'None',
  '-1',
  '0',
  '2',
  '3.5',
  '1e400',
  '9007199254740993',
  "'",
  '"',
  '\\',
);
const headers = fc.oneof(
  fc.array(token, { maxLength: 40 }).map((t) => t.join('')),
  fc.string({ maxLength: 80 }),
  fc
    .tuple(
      fc.constantFrom("'<f4'", "'<i8'", "'|u1'", '7', "('<f4', 2)"),
      fc.jsonValue({ maxDepth: 3 }),
    )
    .map(
      ([descr, shape]) =>
        `{'descr': ${descr}, 'fortran_order': False, 'shape': ${
          Array.isArray(shape)
            ? `(${shape.map((d) => JSON.stringify(d) ?? 'None').join(', ')},)`
            : JSON.stringify(shape)
        }, }`,
    ),
);

describe('fuzzing parseNpy', () => {
  it('valid files decode to what was encoded', () => {
    fc.assert(
      fc.property(arrays, ({ shape, data }) => {
        const back = parseNpy(encodeNpy(shape, data));
        expect(back.shape).toEqual(shape);
        expect(back.data).toEqual(data);
      }),
      { numRuns: 200 },
    );
  });

  it('flipped bytes and truncations: a consistent array or NpyError', () => {
    const mutated = fc
      .tuple(
        arrays,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat()),
      )
      .map(([{ shape, data }, flips, cut]) => {
        const bytes = encodeNpy(shape, data);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        return cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
      });
    fc.assert(
      fc.property(mutated, (bytes) => void outcome(bytes)),
      { numRuns: 400 },
    );
  });

  it('random headers (Python literal pieces, strings, random shapes): a consistent array or NpyError', () => {
    fc.assert(
      fc.property(headers, fc.uint8Array({ maxLength: 64 }), (header, data) => {
        outcome(withHeader(header, data));
      }),
      { numRuns: 400 },
    );
  });

  it('deep nesting is an NpyError with the depth limit, not a stack overflow', () => {
    const deep = (n: number) =>
      `{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(n)}${')'.repeat(n)}, }`;
    const header = deep(5000);
    const bytes = new Uint8Array([
      0x93,
      ...ascii('NUMPY'),
      2,
      0,
      ...[header.length + 1, (header.length + 1) >> 8, 0, 0].map((b) => b & 0xff),
      ...ascii(`${header}\n`),
    ]);
    expect(() => parseNpy(bytes)).toThrow(/nested deeper than 32 levels at offset 81/);
    expect(outcome(withHeader(deep(31), new Uint8Array()))).toBe('error'); // parsed: not a shape
  });
});
