/**
 * `npm start` (`netc demo`), section by section: every sample checked, the shipped broken file's
 * shape error with its expansion chain and fix, the timed inference on tfjs with the compiled
 * module beside it, and the ONNX export run on ONNX Runtime beside tfjs (one line without it).
 * The ResNeXt-50 run itself is left to `npm start`: the sections run here on small models.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSamples, showShapeError } from '../../cli/commands/demo.js';
import type { Output } from '../../cli/io.js';
import { packageRoot } from '../../compiler/package-root.js';
import { setOnnxRuntimeLoader } from '../../engines/onnxruntime-loader.js';
import { ortAvailable } from '../codegen/onnx/helpers.js';
import { graphOf, tempDir, TINY_SOURCE, writeText } from './helpers.js';

const dir = tempDir();
const tiny = writeText(dir, 'tiny.net', TINY_SOURCE);
const samples = join(packageRoot(), 'samples');

function capture(): { io: Output; text: () => string } {
  const out: string[] = [];
  return {
    io: { out: (t) => void out.push(t), err: (t) => void out.push(t), color: false },
    text: () => out.join('\n'),
  };
}

afterEach(() => setOnnxRuntimeLoader());

describe('npm start (netc demo)', () => {
  it('checks every sample: one ok line each with its params and MACs', () => {
    const c = capture();
    expect(checkSamples(c.io, samples)).toBe(0);
    const files = readdirSync(samples).filter((f) => f.endsWith('.net'));
    const lines = c.text().split('\n');
    expect(lines[0]).toBe(`Checking ${files.length} samples:`);
    for (const f of files)
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ok {3}samples/${f} `)));
    // LeNet-BN's figures, as in tests/compiler/summary (Keras's count).
    expect(c.text()).toMatch(
      /samples\/lenet_bn\.net +\d+ ms {2}lenet_bn 45,330 params, 281\.64 K MACs/,
    );
  });

  it("shows the broken sample's shape error with where each operand comes from, the block call, and the fix", () => {
    const c = capture();
    const cwd = process.cwd();
    process.chdir(packageRoot());
    try {
      showShapeError(c.io, join(samples, 'broken', 'residual_shape.net'));
    } finally {
      process.chdir(cwd);
    }
    const f = 'samples/broken/residual_shape.net';
    expect(c.text().split('\n').slice(0, 14)).toEqual([
      '',
      `A shape error, caught by netc check (${f}):`,
      `${f}:8:10: error[E3001]: add cannot broadcast [32, 32, 32] with [32, 32, 16]: dimension 2 is 32 and 16`,
      '8 |   return y + x',
      '  |          ^^^^^',
      '  = note: shapes aligned on their last dimension (the batch is not shown):',
      '  = note: input 1: [32, 32, 32]',
      '  = note: input 2: [32, 32, 16]',
      '  = note:                   ^^ dimension 2: 32 and 16',
      '  = note: sizes must be equal, or one of them 1 (NumPy broadcasting)',
      `  = note: operand 1 [32, 32, 32] comes from residual_0.conv2d_0 (conv2d) at ${f}:7:12`,
      `  = note: operand 2 [32, 32, 16] comes from image (input) at ${f}:11:14`,
      `  = in residual(filters=32) at ${f}:12:7`,
      '  = help: project x with a 1x1 convolution to 32 channels: y + (x |> conv2d(32, 1))',
    ]);
  });

  it('builds on wasm with a fixed seed, times one batch-1 inference, then runs the compiled module', async () => {
    const { timeInference } = await import('../../cli/commands/demo-inference.js');
    const c = capture();
    await timeInference(c.io, graphOf(tiny), tiny);
    const text = c.text();
    expect(text).toMatch(/^TensorFlow.js on wasm \(\d+ threads?(: .+)?\), seed 0:$/m);
    expect(text).toMatch(/ {2}build +\d+ ms \(backend \d+ ms, layers and weights \d+ ms\)/);
    expect(text).toMatch(
      / {2}predict +\d+ ms \(first run\) for one \[6\] input \(batch 1\), output \[1, 3\], top class \d/,
    );
    // input, dense, dense, softmax: the softmax folds into the last dense.
    expect(text).toMatch(/^ {2}optimized for inference: 4 ops -> 3 \(fuse-activation 1\)$/m);
    // The compiled module computes the same output as the interpreter (same ops, same weights).
    expect(text).toMatch(
      / {2}predict +\d+ ms with the interpreter's weights; max \|difference\| 0\.0e\+0/,
    );
  });

  it.skipIf(!ortAvailable)(
    'exports a sample to ONNX and runs it on ONNX Runtime beside tfjs: both timed, outputs agree',
    async () => {
      const { startBackend } = await import('../../cli/commands/model-support.js');
      const { compareOnnx } = await import('../../cli/commands/demo-onnx.js');
      await startBackend('wasm');
      const c = capture();
      await compareOnnx(c.io, graphOf(tiny), tiny);
      const lines = c.text().split('\n');
      expect(lines[1]).toMatch(
        /^ONNX export and ONNX Runtime beside TensorFlow.js \(.*tiny\.net, same weights\):$/,
      );
      const onnx = lines[2].match(/^ {2}export +\d+ ms, [\d,]+ KiB, opset 17: (.+\.onnx)$/);
      expect(onnx, lines[2]).not.toBeNull();
      expect(existsSync(join(process.cwd(), onnx![1]))).toBe(true);
      expect(lines[3]).toMatch(/^ {2}session +\d+ ms \(onnxruntime-node, cpu\)$/);
      expect(lines[4]).toMatch(
        /^ {2}predict +\d+ ms on TensorFlow.js \(wasm\), \d+ ms on ONNX Runtime \(median of 5, batch 8 of \[6\], [\d.]+x\)$/,
      );
      const diff = lines[5].match(/^ {2}outputs +\[8, 3\], max \|difference\| (\S+)$/);
      expect(diff, lines[5]).not.toBeNull();
      // Two engines, one float32 model: equal to rounding.
      expect(Number(diff![1])).toBeLessThan(1e-6);
    },
  );

  it('says in one line that the ONNX section is skipped without onnxruntime-node', async () => {
    const { compareOnnx } = await import('../../cli/commands/demo-onnx.js');
    setOnnxRuntimeLoader(() =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'onnxruntime-node'"), {
          code: 'ERR_MODULE_NOT_FOUND',
        }),
      ),
    );
    const c = capture();
    await compareOnnx(c.io, graphOf(tiny), tiny);
    expect(c.text()).toBe('\nONNX Runtime: skipped (onnxruntime-node is not installed)');
  });
});
