/**
 * Hostile input files through the CLI (`netc run --input / --weights`): special files, oversized
 * files, files outside a tfjs folder, malformed manifests and headers, and a handful of fuzzed
 * files are each one line and exit 2, never a stack trace or an internal compiler error.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../io/npy.js';
import { encodeSafetensors } from '../../io/safetensors.js';
import { netc, tempDir, TINY_SOURCE, writeArray, writeText } from '../cli/helpers.js';

const dir = tempDir();
const tiny = writeText(dir, 'tiny.net', TINY_SOURCE);

/** Runs netc and checks it failed as bad input does: exit 2, one line, no trace. */
async function refused(args: string[]): Promise<string> {
  const r = await netc(args);
  expect(r.stderr).not.toMatch(/internal compiler error|\n\s+at /);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('netc run refuses hostile input files (exit 2, one line)', () => {
  it('special and oversized .npy inputs, read not at all', async () => {
    const zero = join(dir, 'zero.npy');
    symlinkSync('/dev/zero', zero);
    const fifo = join(dir, 'fifo.npy');
    execFileSync('mkfifo', [fifo]);
    const big = join(dir, 'big.npy');
    writeFileSync(big, '');
    truncateSync(big, 5 * 1024 ** 3);
    const folder = join(dir, 'folder.npy');
    mkdirSync(folder);
    expect(await refused(['run', tiny, '--input', zero])).toBe(
      `netc: cannot read ${zero}: not a regular file (a device, FIFO or socket)`,
    );
    expect(await refused(['run', tiny, '--input', fifo])).toBe(
      `netc: cannot read ${fifo}: not a regular file (a device, FIFO or socket)`,
    );
    expect(await refused(['run', tiny, '--input', big])).toBe(
      `netc: ${big} is 5 GiB; netc reads arrays of at most 2 GiB`,
    );
    expect(await refused(['run', tiny, '--input', folder])).toBe(
      `netc: cannot read ${folder}: it is a folder`,
    );
  });

  it('special weights files and shards that leave the folder', async () => {
    const x = await writeArray(dir, 'x.npy', [1, 6], [1, 2, 3, 4, 5, 6]);
    const zero = join(dir, 'zero.safetensors');
    symlinkSync('/dev/zero', zero);
    expect(await refused(['run', tiny, '--input', x, '--weights', zero])).toBe(
      `netc: cannot read ${zero}: not a regular file (a device, FIFO or socket)`,
    );
    const folder = join(dir, 'w');
    expect((await netc(['init', tiny, '--seed', '1', '--save', folder])).code).toBe(0);
    const where = join(folder, 'model.json');
    const json = JSON.parse(readFileSync(where, 'utf8'));
    const shard: string = json.weightsManifest[0].paths[0];
    const secret = join(dir, 'secret.bin');
    writeFileSync(secret, readFileSync(join(folder, shard)));
    unlinkSync(join(folder, shard));
    symlinkSync(secret, join(folder, shard));
    const message = await refused(['run', tiny, '--input', x, '--weights', folder]);
    expect(message).toBe(
      `netc: ${where}: weightsManifest[0].paths[0]: '${shard}' is outside the model folder (a symbolic link leading out of it)`,
    );
    expect(message).not.toContain(secret);
    json.weightsManifest[0].paths = [secret];
    json.weightsManifest[0].weights[1].shape = ['abc'];
    writeFileSync(where, JSON.stringify(json));
    expect(await refused(['run', tiny, '--input', x, '--weights', folder])).toBe(
      `netc: ${where}: weightsManifest[0].weights[1].shape: expected a list of non-negative integers, found ["abc"]`,
    );
    json.weightsManifest[0].weights[1].shape = [8];
    writeFileSync(where, JSON.stringify(json));
    expect(await refused(['run', tiny, '--input', x, '--weights', folder])).toBe(
      `netc: ${where}: weightsManifest[0].paths[0]: '${secret}' is outside the model folder (an absolute path)`,
    );
  });

  it('a deeply nested .npy header and a safetensors file of 120,000 tensors', async () => {
    const x = join(dir, 'deep.npy');
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(50_000)}${')'.repeat(50_000)}, }\n`;
    const bytes = new Uint8Array(12 + header.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(bytes.buffer).setUint32(8, header.length, true);
    bytes.set(new TextEncoder().encode(header), 12);
    writeFileSync(x, bytes);
    expect(await refused(['run', tiny, '--input', x])).toMatch(/nested deeper than 32 levels/);
    const many = join(dir, 'many.safetensors');
    const tensors = Array.from({ length: 120_000 }, (_, i) => ({
      name: `t${i}`,
      shape: [1],
      data: Float32Array.of(i),
    }));
    writeFileSync(many, encodeSafetensors(tensors));
    const ok = await writeArray(dir, 'ok.npy', [1, 6], [1, 2, 3, 4, 5, 6]);
    const r = await netc(['run', tiny, '--input', ok, '--weights', many]);
    expect(r.code).toBe(1); // a file that decodes but does not fit the model
    expect(r.stderr).toContain('unexpected (120000): t0, t1');
    expect(r.stderr).toContain('and 119,990 more');
    expect(r.stderr.length).toBeLessThan(1000);
  });

  it('fuzzed .npy inputs and safetensors weights: a result or exit 2, never a crash', async () => {
    const valid = encodeNpy([1, 6], Float32Array.of(1, 2, 3, 4, 5, 6));
    const weights = encodeSafetensors([{ name: 'a', shape: [2], data: Float32Array.of(1, 2) }]);
    const cases = fc.sample(
      fc.tuple(
        fc.constantFrom('npy', 'safetensors'),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.option(fc.nat()),
      ),
      { numRuns: 8, seed: 42 },
    );
    const ok = await writeArray(dir, 'ok2.npy', [1, 6], [1, 2, 3, 4, 5, 6]);
    for (const [i, [kind, flips, cut]] of cases.entries()) {
      const bytes = (kind === 'npy' ? valid : weights).slice();
      for (const [at, value] of flips) bytes[at % bytes.length] = value;
      const file = join(dir, `fuzz${i}.${kind}`);
      writeFileSync(file, cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1)));
      const args =
        kind === 'npy'
          ? ['run', tiny, '--input', file]
          : ['run', tiny, '--input', ok, '--weights', file];
      const r = await netc(args);
      expect(r.stderr, args.join(' ')).not.toMatch(/internal compiler error|\n\s+at /);
      expect([0, 1, 2], `${args.join(' ')}\n${r.stderr}`).toContain(r.code);
    }
  });
});
