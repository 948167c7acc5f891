/**
 * Running out of memory is said as such (exit 1), not as an internal compiler error (exit 70):
 * the errors JavaScript engines and the wasm heap give are recognised, and `netc run` of a
 * model whose output cannot fit in wasm's 4 GiB names the model, the batch and what to try.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, isOutOfMemory, memoryError } from '../../cli/errors.js';
import { packageRoot } from '../../compiler/package-root.js';
import { writeNpy } from '../../io/npy.js';

const root = packageRoot();
const loader = join(root, 'node_modules/tsx/dist/loader.mjs');
const entry = join(root, 'tests/cli/netc-process.ts');
const dir = mkdtempSync(join(tmpdir(), 'netc-oom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real engine error: an ArrayBuffer far larger than any machine's memory. */
function engineError(): unknown {
  try {
    new ArrayBuffer(2 ** 52);
  } catch (e) {
    return e;
  }
  throw new Error('test setup: a 4 PiB ArrayBuffer was allocated');
}

describe('recognising out of memory', () => {
  it('V8, emscripten and tfjs messages are out of memory; other errors are not', () => {
    expect(isOutOfMemory(engineError())).toBe(true);
    for (const message of [
      'Aborted(OOM)',
      'Cannot enlarge memory arrays to size 5368709120 bytes (OOM)',
      'WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance',
      'WebAssembly.Memory.grow(): failed to grow memory',
      'the wasm heap is out of memory: cannot allocate 4800000000 bytes for a tensor',
    ]) {
      expect(isOutOfMemory(new Error(message)), message).toBe(true);
    }
    for (const other of [
      new Error('memory access out of bounds'),
      new TypeError('x is undefined'),
      new RangeError('Maximum call stack size exceeded'),
      new Error('ZOOM level'),
      'Aborted(OOM)', // not an Error
    ]) {
      expect(isOutOfMemory(other), String(other)).toBe(false);
    }
  });

  it('memoryError names the backend and what ran, with advice per backend', () => {
    const wasm = memoryError(engineError(), 'wasm', 'running model m (batch 64)');
    expect(wasm).toBeInstanceOf(DataError);
    expect((wasm as Error).message).toBe(
      'the wasm backend ran out of memory while running model m (batch 64); try a smaller batch or --backend cpu',
    );
    const cpu = memoryError(engineError(), 'cpu', 'training model m (batch 8)');
    expect((cpu as Error).message).toBe(
      'the cpu backend ran out of memory while training model m (batch 8); try a smaller batch',
    );
    const other = new TypeError('not memory');
    expect(memoryError(other, 'wasm', 'running model m (batch 1)')).toBe(other);
  });
});

describe('netc run where wasm cannot even start', () => {
  it('a tight ulimit -v before the model runs: exit 1, what ran out, no emscripten noise', async () => {
    // V8 reserves ~10 GiB of address space per WebAssembly memory: 4 GB refuses the backend's.
    // tsx's own lexer is wasm too; without it, it falls back to JS, its failure unhandled
    // (--unhandled-rejections=none). netc itself handles every error it meets.
    const model = join(dir, 'small.net');
    writeFileSync(model, 'model small(x: [4]) {\n  return y: x |> dense(2)\n}\n');
    const input = join(dir, 'small.npy');
    await writeNpy(input, [1, 4], Float32Array.from([1, 2, 3, 4]));
    const command = `ulimit -v 4000000; exec '${process.execPath}' --unhandled-rejections=none --import '${loader}' '${entry}' run '${model}' --input '${input}'`;
    const r = spawnSync('/bin/bash', ['-c', command], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, NETC_DEBUG: undefined },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).toMatch(
      /^netc: the wasm backend ran out of memory at start, before the model ran \(WebAssembly\.Memory\(\): [^\n]+\); allow the process more virtual memory \(ulimit -v: V8 reserves about 10 GiB of address space for wasm memory\) or use --backend cpu\n$/,
    );
    expect(r.status).toBe(1);
  });
});

describe('netc run of a model too large for wasm', () => {
  it('exits 1 with what ran out of memory, quickly and with little memory', async () => {
    // One example of [4] repeated 300 million times: a 4.8 GB output, past wasm's 4 GiB, which
    // is refused before anything is allocated. ulimit -v caps the process all the same.
    const model = join(dir, 'wide.net');
    writeFileSync(model, 'model wide(x: [4]) {\n  return y: x |> repeat_vector(300000000)\n}\n');
    const input = join(dir, 'x.npy');
    await writeNpy(input, [1, 4], Float32Array.from([1, 2, 3, 4]));
    const command = `ulimit -v 64000000; exec '${process.execPath}' --import '${loader}' '${entry}' run '${model}' --input '${input}'`;
    const r = spawnSync('/bin/bash', ['-c', command], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, NETC_DEBUG: undefined },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).toBe(
      'netc: the wasm backend ran out of memory while running model wide (batch 1); try a smaller batch or --backend cpu\n',
    );
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain('internal compiler error');
  });
});
