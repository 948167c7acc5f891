import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeNpy,
  NpyError,
  parseNpy,
  parseNpyExamples,
  readNpy,
  writeNpy,
} from '../../io/npy.js';
import { ascii, f32le, le16, le32, useTempDirs } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'npy');
const BASE = [0.5, -1, 2, 3, 0, -4.25];

/** A version 1.0 file built by hand from the format spec: magic, version, length, header, data. */
function handBuilt(header: string, data: number[], version: [number, number] = [1, 0]): Uint8Array {
  const prefix = version[0] === 1 ? 10 : 12;
  let text = header;
  while ((prefix + text.length + 1) % 64 !== 0) text += ' ';
  text += '\n';
  const length = version[0] === 1 ? le16(text.length) : le32(text.length);
  return new Uint8Array([0x93, ...ascii('NUMPY'), ...version, ...length, ...ascii(text), ...data]);
}

const HEADER_2X3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

function npyError(bytes: Uint8Array): string {
  try {
    parseNpy(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(NpyError);
    return (error as Error).message;
  }
  throw new Error('expected an NpyError');
}

describe('parseNpy', () => {
  it('reads a hand-built version 1.0 float32 file', () => {
    const bytes = handBuilt(HEADER_2X3, f32le(BASE));
    expect(bytes.length).toBe(128 + 24);
    const { shape, data } = parseNpy(bytes);
    expect(shape).toEqual([2, 3]);
    expect([...data]).toEqual(BASE);
  });

  it('reads version 2.0 and 3.0 headers', () => {
    for (const version of [
      [2, 0],
      [3, 0],
    ] as [number, number][]) {
      const { shape, data } = parseNpy(handBuilt(HEADER_2X3, f32le(BASE), version));
      expect(shape).toEqual([2, 3]);
      expect([...data]).toEqual(BASE);
    }
  });

  it('reads data at an unaligned byte offset', () => {
    const bytes = handBuilt(HEADER_2X3, f32le(BASE));
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect([...parseNpy(shifted.subarray(1)).data]).toEqual(BASE);
  });

  it('reads scalars, 1-D and empty arrays', () => {
    const scalar = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }";
    expect(parseNpy(handBuilt(scalar, f32le([7])))).toEqual({
      shape: [],
      data: new Float32Array([7]),
    });
    const vector = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    expect(parseNpy(handBuilt(vector, f32le([1, 2, 3]))).shape).toEqual([3]);
    const empty = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }";
    expect(parseNpy(handBuilt(empty, []))).toEqual({ shape: [0, 3], data: new Float32Array(0) });
  });

  it('accepts keys in any order and double-quoted strings', () => {
    const header = '{"shape": (2, 3), "fortran_order": False, "descr": "<f4"}';
    expect(parseNpy(handBuilt(header, f32le(BASE))).shape).toEqual([2, 3]);
  });

  it('converts other dtypes to float32', () => {
    const i4 = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
    expect([...parseNpy(handBuilt(i4, [...le32(5), ...le32(-3 >>> 0)])).data]).toEqual([5, -3]);
    const u1 = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }";
    expect([...parseNpy(handBuilt(u1, [0, 7, 255])).data]).toEqual([0, 7, 255]);
  });
});

describe('parseNpy on files written by NumPy', () => {
  const read = async (name: string) => parseNpy(await readFile(join(FIXTURES, name)));

  it('has the committed fixtures', async () => {
    const names = (await readdir(FIXTURES)).filter((n) => n.endsWith('.npy'));
    expect(names.length).toBeGreaterThanOrEqual(14);
  });

  it.each(['f4_2x3.npy', 'f8_2x3.npy', 'f2_2x3.npy', 'f4_v2.npy', 'f4_v3.npy'])(
    '%s',
    async (name) => {
      const { shape, data } = await read(name);
      expect(shape).toEqual([2, 3]);
      expect([...data]).toEqual(BASE);
    },
  );

  it('integer, unsigned and bool dtypes', async () => {
    expect([...(await read('i4_2x3.npy')).data]).toEqual([1, -2, 3, -4, 5, 2147483648]);
    expect([...(await read('i8_3.npy')).data]).toEqual([7, -8, 9]);
    expect([...(await read('i2_3.npy')).data]).toEqual([-32768, 0, 32767]);
    expect([...(await read('u1_4.npy')).data]).toEqual([0, 1, 128, 255]);
    expect(await read('b1_3.npy')).toEqual({ shape: [3], data: new Float32Array([1, 0, 1]) });
  });

  it('scalars and empty arrays', async () => {
    expect(await read('f4_scalar.npy')).toEqual({ shape: [], data: new Float32Array([1.5]) });
    expect(await read('f4_0x3.npy')).toEqual({ shape: [0, 3], data: new Float32Array(0) });
  });

  it('rejects Fortran order and big-endian data with clear errors', async () => {
    await expect(read('f4_fortran.npy')).rejects.toThrow(/Fortran-order arrays are not supported/);
    await expect(read('f4_bigendian.npy')).rejects.toThrow(/unsupported dtype '>f4'/);
  });

  it('encodeNpy writes the same bytes as NumPy', async () => {
    const expected = await readFile(join(FIXTURES, 'f4_2x3.npy'));
    expect(Buffer.from(encodeNpy([2, 3], new Float32Array(BASE)))).toEqual(expected);
  });
});

describe('encodeNpy', () => {
  it('round-trips arrays of several ranks', () => {
    for (const shape of [[], [5], [2, 3], [2, 1, 4], [0, 3], [3, 0]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: size }, (_, i) => i * 0.25 - 1);
      expect(parseNpy(encodeNpy(shape, data))).toEqual({ shape, data });
    }
  });

  it('aligns the data to 64 bytes and ends the header with a newline', () => {
    for (const shape of [[1], [2, 3], [10, 20, 30, 40, 50]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const bytes = encodeNpy(shape, new Float32Array(size));
      const headerLength = bytes[8] | (bytes[9] << 8);
      expect((10 + headerLength) % 64).toBe(0);
      expect(bytes[10 + headerLength - 1]).toBe(0x0a);
      expect(bytes.length).toBe(10 + headerLength + size * 4);
    }
  });

  it('writes 1-D shapes as one-element tuples', () => {
    const text = new TextDecoder().decode(encodeNpy([3], new Float32Array(3)).subarray(10, 70));
    expect(text).toContain("'shape': (3,), }");
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => encodeNpy([2, 3], new Float32Array(5))).toThrow(NpyError);
    expect(() => encodeNpy([2, 3], new Float32Array(5))).toThrow(
      'shape [2, 3] holds 6 elements but the data has 5',
    );
    expect(() => encodeNpy([-1], new Float32Array(0))).toThrow('dimension -1 is negative');
  });
});

describe('parseNpy errors', () => {
  it('bad magic', () => {
    expect(npyError(new Uint8Array(ascii('PK\x03\x04 not numpy')))).toMatch(/bad magic/);
    expect(npyError(new Uint8Array(0))).toMatch(/bad magic/);
  });

  it('unsupported version', () => {
    const bytes = handBuilt(HEADER_2X3, f32le(BASE));
    bytes[6] = 4;
    expect(npyError(bytes)).toBe('unsupported .npy format version 4.0');
  });

  it('truncated header', () => {
    const bytes = handBuilt(HEADER_2X3, f32le(BASE));
    expect(npyError(bytes.subarray(0, 7))).toMatch(/truncated header/);
    expect(npyError(bytes.subarray(0, 9))).toMatch(/truncated header/);
    expect(npyError(bytes.subarray(0, 60))).toBe(
      'truncated header: it declares 118 bytes but only 50 follow',
    );
  });

  it('header not a dict, not a literal, or lacking keys', () => {
    expect(npyError(handBuilt("['descr', '<f4']", []))).toMatch(/^header is not a dict/);
    expect(npyError(handBuilt("{'descr': '<f4', 'shape': (2, 3", []))).toMatch(
      /not a valid Python literal/,
    );
    expect(npyError(handBuilt("{'descr': '<f4', 'shape': (2, 3)}", []))).toMatch(
      /lacks the 'fortran_order' key/,
    );
  });

  it('data length not matching the shape', () => {
    expect(npyError(handBuilt(HEADER_2X3, f32le([1, 2, 3, 4, 5])))).toBe(
      'expected 24 bytes of float32 data for shape [2, 3], found 20',
    );
    expect(npyError(handBuilt(HEADER_2X3, f32le([...BASE, 9])))).toBe(
      'expected 24 bytes of float32 data for shape [2, 3], found 28',
    );
  });

  it('unsupported dtypes', () => {
    const header = (descr: string) =>
      `{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`;
    expect(npyError(handBuilt(header("'<c8'"), [0, 0, 0, 0, 0, 0, 0, 0]))).toMatch(
      /unsupported dtype '<c8'/,
    );
    expect(npyError(handBuilt(header("'<U3'"), []))).toMatch(/unsupported dtype '<U3'/);
    expect(npyError(handBuilt(header("[('a', '<f4')]"), []))).toMatch(/structured dtypes/);
  });

  it('negative or non-integer dims', () => {
    const header = (shape: string) =>
      `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
    expect(npyError(handBuilt(header('(2, -3)'), []))).toBe(
      'invalid shape [2, -3]: dimension -3 is negative',
    );
    expect(npyError(handBuilt(header('(2.5,)'), []))).toMatch(/dimension 2.5 is not an integer/);
    expect(npyError(handBuilt(header("'2'"), []))).toMatch(/'shape' is not a tuple/);
  });

  it('fortran_order True', () => {
    const header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
    expect(npyError(handBuilt(header, f32le(BASE)))).toMatch(
      /^Fortran-order arrays are not supported/,
    );
  });
});

describe('readNpy / writeNpy', () => {
  const tempDir = useTempDirs();

  it('round-trips through a file and leaves no temporary files', async () => {
    const dir = await tempDir();
    const path = join(dir, 'w.npy');
    await writeNpy(path, [2, 3], new Float32Array(BASE));
    await writeNpy(path, [3], new Float32Array([1, 2, 3])); // replaces the old file
    expect(await readNpy(path)).toEqual({ shape: [3], data: new Float32Array([1, 2, 3]) });
    expect(await readdir(dir)).toEqual(['w.npy']);
  });

  it('names the file in errors', async () => {
    const dir = await tempDir();
    const path = join(dir, 'bad.npy');
    await writeFile(path, 'hello');
    await expect(readNpy(path)).rejects.toThrow(`${path}: not a .npy file: bad magic`);
  });

  it('writes nothing when encoding fails', async () => {
    const dir = await tempDir();
    await expect(writeNpy(join(dir, 'x.npy'), [4], new Float32Array(3))).rejects.toThrow(NpyError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('parseNpyExamples (training)', () => {
  it('keeps uint8 data as a view of the file bytes; converts other dtypes to float32', async () => {
    const bytes = new Uint8Array(await readFile(join(FIXTURES, 'u1_4.npy')));
    const a = parseNpyExamples(bytes);
    expect(a.dtype).toBe('uint8');
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(a.data.buffer).toBe(bytes.buffer); // no copy
    expect(Array.from(a.data)).toEqual(Array.from(parseNpy(bytes).data));
    const f8 = new Uint8Array(await readFile(join(FIXTURES, 'f8_2x3.npy')));
    const b = parseNpyExamples(f8);
    expect(b.dtype).toBe('float64');
    expect(b.data).toBeInstanceOf(Float32Array);
    expect(Array.from(b.data)).toEqual(Array.from(parseNpy(f8).data));
    expect(() => parseNpyExamples(bytes.subarray(0, bytes.length - 1))).toThrow(NpyError);
  });
});
