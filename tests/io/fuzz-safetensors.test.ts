/**
 * Fuzzing the safetensors reader: valid files with their header's entries replaced by random
 * JSON, their offsets and length field changed, their bytes flipped or cut short decode to
 * consistent tensors (each shape's element count is its data's length, the data section tiled
 * exactly) or throw `SafetensorsError`, never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeSize } from '../../io/elements.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  SafetensorsError,
  type NamedTensor,
} from '../../io/safetensors.js';
import { le64 } from './helpers.js';

function outcome(bytes: Uint8Array): 'ok' | 'error' {
  let contents;
  try {
    contents = decodeSafetensors(bytes);
  } catch (error) {
    if (error instanceof SafetensorsError) {
      expect(error.message.length).toBeLessThan(1000);
      return 'error';
    }
    throw error;
  }
  for (const t of contents.tensors.values()) {
    expect(shapeSize(t.shape)).toBe(t.data.length);
    expect(t.data).toBeInstanceOf(Float32Array);
  }
  for (const v of Object.values(contents.metadata)) expect(typeof v).toBe('string');
  return 'ok';
}

const tensorList = fc
  .uniqueArray(
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    ),
    { selector: ([name]) => name, maxLength: 4 },
  )
  .map((list) =>
    list
      .filter(([name]) => name !== '__metadata__')
      .map(([name, shape]): NamedTensor => {
        const n = shapeSize(shape) as number;
        return { name, shape, data: Float32Array.from({ length: n }, (_, i) => i - 1.5) };
      }),
  );

/** The header object and data section of an encoded file. */
function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  return { header: JSON.parse(text) as Record<string, unknown>, data: bytes.subarray(8 + length) };
}

function join(header: string, data: Uint8Array, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  out.set(le64(json.length));
  if (length !== undefined) new DataView(out.buffer).setBigUint64(0, length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const offsetValue = fc.oneof(
  fc.integer({ min: -2, max: 64 }),
  fc.constantFrom(2 ** 53, 1e300, 0.5, -0),
  fc.jsonValue({ maxDepth: 2 }),
);
const mutation = fc.oneof(
  fc.record({
    field: fc.constantFrom('dtype', 'shape', 'data_offsets'),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.record({ field: fc.constant('data_offsets'), value: fc.tuple(offsetValue, offsetValue) }),
  fc.record({
    field: fc.constant('dtype'),
    value: fc.constantFrom('F16', 'BF16', 'F64', 'I64', 'BOOL', 'U8', 'F8'),
  }),
  fc.record({ field: fc.constant('entry'), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ field: fc.constant('__metadata__'), value: fc.jsonValue({ maxDepth: 2 }) }),
);

describe('fuzzing decodeSafetensors', () => {
  it('valid files decode to what was encoded', () => {
    fc.assert(
      fc.property(tensorList, (tensors) => {
        const { tensors: back } = decodeSafetensors(encodeSafetensors(tensors));
        expect([...back.keys()]).toEqual(tensors.map((t) => t.name));
        for (const t of tensors) expect(back.get(t.name)).toEqual({ shape: t.shape, data: t.data });
      }),
      { numRuns: 150 },
    );
  });

  it('header entries replaced by random JSON: consistent tensors or SafetensorsError', () => {
    fc.assert(
      fc.property(
        tensorList,
        fc.array(fc.tuple(fc.nat(), mutation), { maxLength: 3 }),
        (tensors, edits) => {
          const { header, data } = split(encodeSafetensors(tensors));
          const names = Object.keys(header);
          for (const [pick, { field, value }] of edits) {
            if (field === '__metadata__') header.__metadata__ = value;
            else if (names.length === 0) continue;
            else {
              const name = names[pick % names.length];
              if (field === 'entry') header[name] = value;
              else if (typeof header[name] === 'object' && header[name] !== null)
                (header[name] as Record<string, unknown>)[field] = value;
            }
          }
          outcome(join(JSON.stringify(header), data));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random length fields, flipped bytes and truncations: consistent tensors or SafetensorsError', () => {
    const files = fc
      .tuple(
        tensorList,
        fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat()),
      )
      .map(([tensors, length, flips, cut]) => {
        const { header, data } = split(encodeSafetensors(tensors));
        const bytes = join(JSON.stringify(header), data, length ?? undefined);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        return cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
      });
    fc.assert(
      fc.property(files, (bytes) => void outcome(bytes)),
      { numRuns: 300 },
    );
  });

  it('random header text: SafetensorsError or a consistent file', () => {
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.json({ maxDepth: 4 }));
    fc.assert(
      fc.property(text, fc.uint8Array({ maxLength: 32 }), (header, data) => {
        outcome(join(header, data));
      }),
      { numRuns: 300 },
    );
  });

  it('a deeply nested header is refused before it is walked', () => {
    const header = `{"w": {"dtype": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect(() => decodeSafetensors(join(header, new Uint8Array()))).toThrow(
      new SafetensorsError('header nests deeper than 64 levels (at offset 86)'),
    );
  });
});
