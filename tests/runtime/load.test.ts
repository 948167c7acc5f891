import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModel, NetcCompileError } from '../../api/index.js';

const root = join(import.meta.dirname, '../..');

function temp(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'netc-rt-')), 'm.net');
  writeFileSync(path, text);
  return path;
}

describe('loadModel', () => {
  it('compiles a file and builds its model on the requested backend', async () => {
    const path = temp('model tiny(x: [4]) {\n  return y: x |> dense(3) |> relu\n}\n');
    const a = await loadModel(path, { seed: 5, backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
    expect(a.outputs[0].shape).toEqual([null, 3]);
    const b = await loadModel(path, { seed: 5 });
    expect(a.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
      b.getWeights().map((w) => Array.from(w.dataSync())),
    );
    a.dispose();
    b.dispose();
  });

  it('throws NetcCompileError with the diagnostics when the file has errors', async () => {
    const path = temp('model bad(x: [4]) {\n  return y: x |> dense(3) |> no_such_op\n}\n');
    const e = await loadModel(path).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(NetcCompileError);
    const ce = e as NetcCompileError;
    expect(ce.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(ce.message).toContain(`${path}:2`);
  });

  it('needs a model name when a file defines several', async () => {
    const path = temp(
      'model a(x: [4]) {\n  return y: x |> dense(2)\n}\n\nmodel b(x: [4]) {\n  return y: x |> dense(5)\n}\n',
    );
    await expect(loadModel(path)).rejects.toThrow(
      `${path} defines 2 models (a, b); choose one with the 'model' option`,
    );
    const b = await loadModel(path, { model: 'b' });
    expect(b.outputs[0].shape).toEqual([null, 5]);
    b.dispose();
    await expect(loadModel(path, { model: 'c' })).rejects.toBeInstanceOf(NetcCompileError);
  });
});

describe('compiler/ stays free of TensorFlow.js', () => {
  it('imports @tensorflow only as types', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(join(root, 'compiler'));
    for (const f of files) {
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        if (/from '@tensorflow\//.test(line) || /import\('@tensorflow\//.test(line)) {
          expect(line, f).toMatch(/^\s*import type |typeof import\(/);
        }
      }
    }
  });
});
