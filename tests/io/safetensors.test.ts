import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  SafetensorsError,
  writeSafetensors,
} from '../../io/safetensors.js';
import { ascii, f32le, le64, useTempDirs } from './helpers.js';

/** A file built by hand from the spec: u64 header length, JSON header, raw data. */
function handBuilt(header: unknown, data: number[], pad = true): Uint8Array {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  while (pad && json.length % 8 !== 0) json += ' ';
  return new Uint8Array([...le64(json.length), ...ascii(json), ...data]);
}

function safetensorsError(bytes: Uint8Array): string {
  try {
    decodeSafetensors(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    return (error as Error).message;
  }
  throw new Error('expected a SafetensorsError');
}

const W = { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] };
const B = { dtype: 'F32', shape: [2], data_offsets: [16, 24] };
const DATA = f32le([1, 2, 3, 4, -1, 0.5]);

describe('decodeSafetensors', () => {
  it('reads a hand-built file', () => {
    const bytes = handBuilt({ __metadata__: { format: 'pt' }, 'fc/kernel': W, 'fc/bias': B }, DATA);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['fc/kernel', 'fc/bias']);
    expect(tensors.get('fc/kernel')).toEqual({
      shape: [2, 2],
      data: new Float32Array([1, 2, 3, 4]),
    });
    expect(tensors.get('fc/bias')).toEqual({ shape: [2], data: new Float32Array([-1, 0.5]) });
  });

  it('keeps header order, even for numeric names, and accepts no padding or metadata', () => {
    const header = `{"b":${JSON.stringify(B)},"10":${JSON.stringify(W)}}`;
    const { tensors, metadata } = decodeSafetensors(handBuilt(header, DATA, false));
    expect([...tensors.keys()]).toEqual(['b', '10']);
    expect(metadata).toEqual({});
  });

  it('converts F16, BF16, F64 and integer dtypes to float32', () => {
    const header = {
      h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
      bf: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] },
      d: { dtype: 'F64', shape: [1], data_offsets: [10, 18] },
      i: { dtype: 'I32', shape: [1], data_offsets: [18, 22] },
    };
    const f16 = [0x00, 0x3c, 0x00, 0xc0, 0x00, 0x35]; // 1, -2, 0.3125
    const bf16 = [0x80, 0x3f, 0x40, 0xc0]; // 1, -3
    const f64 = [...new Uint8Array(new Float64Array([0.1]).buffer)];
    const i32 = [0xfe, 0xff, 0xff, 0xff]; // -2
    const { tensors } = decodeSafetensors(handBuilt(header, [...f16, ...bf16, ...f64, ...i32]));
    expect([...tensors.get('h')!.data]).toEqual([1, -2, 0.3125]);
    expect([...tensors.get('bf')!.data]).toEqual([1, -3]);
    expect(tensors.get('d')!.data[0]).toBeCloseTo(0.1, 7);
    expect([...tensors.get('i')!.data]).toEqual([-2]);
  });

  it('reads scalars and empty tensors', () => {
    const header = {
      s: { dtype: 'F32', shape: [], data_offsets: [0, 4] },
      e: { dtype: 'F32', shape: [0, 3], data_offsets: [4, 4] },
    };
    const { tensors } = decodeSafetensors(handBuilt(header, f32le([9])));
    expect(tensors.get('s')).toEqual({ shape: [], data: new Float32Array([9]) });
    expect(tensors.get('e')).toEqual({ shape: [0, 3], data: new Float32Array(0) });
  });
});

describe('encodeSafetensors', () => {
  const tensors = [
    { name: 'fc/kernel', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
    { name: 'fc/bias', shape: [2], data: new Float32Array([-1, 0.5]) },
  ];

  it('writes the layout of the spec', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const view = new DataView(bytes.buffer);
    const headerLength = Number(view.getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(JSON.parse(text)).toEqual({
      __metadata__: { format: 'pt' },
      'fc/kernel': W,
      'fc/bias': B,
    });
    expect(text.trimEnd().length).toBeGreaterThan(headerLength - 8);
    expect([...bytes.subarray(8 + headerLength)]).toEqual(DATA);
  });

  it('round-trips', () => {
    const unicode = {
      name: 'ünïcode/ß',
      shape: [1, 1, 3],
      data: new Float32Array([Math.PI, -0, 1e-30]),
    };
    const decoded = decodeSafetensors(encodeSafetensors([...tensors, unicode], { a: 'b' }));
    expect(decoded.metadata).toEqual({ a: 'b' });
    expect([...decoded.tensors]).toEqual([...tensors, unicode].map(({ name, ...t }) => [name, t]));
    expect(decodeSafetensors(encodeSafetensors([])).tensors.size).toBe(0);
  });

  it('rejects duplicate names, bad shapes and the reserved name', () => {
    const t = tensors[1];
    expect(() => encodeSafetensors([t, t])).toThrow("duplicate tensor name 'fc/bias'");
    expect(() => encodeSafetensors([{ ...t, shape: [3] }])).toThrow(
      /holds 3 elements but the data has 2/,
    );
    expect(() => encodeSafetensors([{ ...t, name: '__metadata__' }])).toThrow(SafetensorsError);
  });
});

describe('decodeSafetensors errors', () => {
  it('too short for the header length', () => {
    expect(safetensorsError(new Uint8Array(5))).toMatch(/too short/);
  });

  it('header length beyond the file', () => {
    const bytes = handBuilt({ w: W }, []);
    expect(safetensorsError(bytes.subarray(0, 20))).toBe(
      'header length 64 extends beyond the file (12 bytes after the length field)',
    );
    const huge = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7b, 0x7d]);
    expect(safetensorsError(huge)).toMatch(/extends beyond the file/);
  });

  it('header not JSON, not an object, or not UTF-8', () => {
    expect(safetensorsError(handBuilt('{"w": ', []))).toMatch(/not valid JSON/);
    expect(safetensorsError(handBuilt('[1, 2]', []))).toBe('header is not a JSON object');
    expect(safetensorsError(new Uint8Array([...le64(2), 0xff, 0xfe]))).toBe(
      'header is not valid UTF-8',
    );
  });

  it('duplicate names', () => {
    const header = `{"w":${JSON.stringify(W)},"w":${JSON.stringify(W)}}`;
    expect(safetensorsError(handBuilt(header, f32le([1, 2, 3, 4])))).toBe(
      'duplicate tensor names in header: w',
    );
  });

  it('unknown dtype', () => {
    expect(
      safetensorsError(handBuilt({ w: { ...W, dtype: 'F8_E4M3' } }, f32le([1, 2, 3, 4]))),
    ).toMatch(/^tensor 'w': unsupported dtype "F8_E4M3"/);
  });

  it('out-of-range or malformed offsets', () => {
    expect(safetensorsError(handBuilt({ w: W }, f32le([1, 2, 3])))).toBe(
      "tensor 'w': data_offsets [0, 16] are outside the 12-byte data section",
    );
    expect(safetensorsError(handBuilt({ w: { ...W, data_offsets: [16, 0] } }, DATA))).toMatch(
      /are not a \[begin, end\] pair/,
    );
    expect(safetensorsError(handBuilt({ w: { ...W, data_offsets: [-4, 12] } }, DATA))).toMatch(
      /are not a \[begin, end\] pair/,
    );
  });

  it('overlapping offsets', () => {
    const header = { a: W, b: { ...B, data_offsets: [12, 20] } };
    expect(safetensorsError(handBuilt(header, f32le([1, 2, 3, 4, 5])))).toBe(
      "tensors 'a' and 'b' overlap in the data section",
    );
  });

  it('holes and leftover bytes in the data section', () => {
    const hole = { a: { ...B, data_offsets: [0, 8] }, b: { ...B, data_offsets: [12, 20] } };
    expect(safetensorsError(handBuilt(hole, f32le([1, 2, 3, 4, 5])))).toBe(
      'data section has a hole at bytes [8, 12)',
    );
    expect(safetensorsError(handBuilt({ w: W }, f32le([1, 2, 3, 4, 5])))).toBe(
      'data section is 20 bytes but the tensors cover 16',
    );
  });

  it('shape and offsets disagreeing on the size', () => {
    expect(safetensorsError(handBuilt({ w: { ...W, shape: [2, 3] } }, DATA))).toBe(
      "tensor 'w': shape [2, 3] of F32 needs 24 bytes, data_offsets span 16",
    );
    expect(safetensorsError(handBuilt({ w: { ...W, shape: [4, -1] } }, DATA))).toMatch(
      /dimension -1 is negative/,
    );
  });

  it('bad metadata', () => {
    expect(safetensorsError(handBuilt({ __metadata__: { n: 1 } }, []))).toBe(
      "metadata 'n' is not a string",
    );
  });
});

describe('readSafetensors / writeSafetensors', () => {
  const tempDir = useTempDirs();

  it('round-trips through a file, atomically', async () => {
    const dir = await tempDir();
    const path = join(dir, 'm.safetensors');
    const tensors = [{ name: 'x', shape: [3], data: new Float32Array([1, 2, 3]) }];
    await writeSafetensors(path, tensors, { k: 'v' });
    const read = await readSafetensors(path);
    expect(read.tensors.get('x')).toEqual({ shape: [3], data: new Float32Array([1, 2, 3]) });
    expect(read.metadata).toEqual({ k: 'v' });
    expect(await readdir(dir)).toEqual(['m.safetensors']);
  });

  it('names the file in errors', async () => {
    const dir = await tempDir();
    const path = join(dir, 'bad.safetensors');
    await writeFile(path, new Uint8Array([1, 2, 3]));
    await expect(readSafetensors(path)).rejects.toThrow(`${path}: file is 3 bytes`);
  });
});
