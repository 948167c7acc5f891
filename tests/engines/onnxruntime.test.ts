/**
 * `createOnnxRuntimeModel`: inputs and outputs in port order and netc's layout, checks on what it
 * is given, dispose, threads; and onnxruntime-node missing or broken, simulated with an injected
 * loader (the package stays installed). The tests that run models skip without onnxruntime-node.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOnnxRuntimeModel } from '../../engines/onnxruntime.js';
import {
  NOT_INSTALLED,
  OnnxRuntimeUnavailableError,
  setOnnxRuntimeLoader,
} from '../../engines/onnxruntime-loader.js';
import {
  fixturesDir,
  graphOf,
  ortAvailable,
  pseudoRandom,
  samplesDir,
  syntheticWeights,
} from '../codegen/onnx/helpers.js';

afterEach(() => setOnnxRuntimeLoader());

const mlp = graphOf(join(samplesDir, 'mlp_mnist.net'));
const mlpWeights = syntheticWeights(mlp);

/** A batch-major input of the given shape. */
const tensor = (shape: number[], seed = 1) => ({
  shape,
  data: pseudoRandom(
    shape.reduce((p, d) => p * d, 1),
    seed,
  ),
});

/** The error Node gives for `import('onnxruntime-node')` when the package is not installed. */
function moduleNotFound(): Error {
  const e = new Error(
    "Cannot find package 'onnxruntime-node' imported from /app/dist/runtime/engines/onnxruntime-loader.js",
  );
  return Object.assign(e, { code: 'ERR_MODULE_NOT_FOUND' });
}

describe.skipIf(!ortAvailable)('createOnnxRuntimeModel', () => {
  it('runs batches in port order, netc layout, and computes the dense layers by hand', async () => {
    const g = graphOf(join(fixturesDir, 'ops.net'), 'unknown');
    const model = await createOnnxRuntimeModel(g, syntheticWeights(g), { threads: 1 });
    try {
      expect(model.graph).toBe(g);
      const ys = await model.run([tensor([3, 9, 7, 3], 1), tensor([3, 11, 2], 2)]);
      expect(ys.map((y) => y.shape)).toEqual([
        [3, 4],
        [3, 3],
      ]);
      expect(ys.every((y) => y.data instanceof Float32Array && y.data.every(Number.isFinite))).toBe(
        true,
      );
    } finally {
      await model.dispose();
    }
  });

  it('matches a hand-computed dense layer', async () => {
    const w = syntheticWeights(mlp);
    const single = {
      ...mlp,
      nodes: mlp.nodes
        .slice(0, 2)
        .map((n) => (n.op === 'dense' ? { ...n, attrs: { ...n.attrs, activation: 'linear' } } : n)),
      outputs: [{ name: 'h', node: 1, shape: [512] }],
    };
    const weights = new Map([...w].filter(([k]) => k.startsWith('dense_0/')));
    const model = await createOnnxRuntimeModel(single, weights);
    const x = tensor([2, 784], 9);
    const [y] = await model.run([x]);
    await model.dispose();
    const kernel = weights.get('dense_0/kernel')!.data;
    const bias = weights.get('dense_0/bias')!.data;
    for (const [b, j] of [
      [0, 0],
      [1, 511],
      [0, 300],
    ]) {
      let s = bias[j];
      for (let i = 0; i < 784; i++) s += x.data[b * 784 + i] * kernel[i * 512 + j];
      expect(y.data[b * 512 + j]).toBeCloseTo(s, 4);
    }
  });

  it('checks the inputs it is given', async () => {
    const model = await createOnnxRuntimeModel(mlp, mlpWeights);
    try {
      await expect(model.run([])).rejects.toThrow('the model has 1 input, found 0 tensors');
      await expect(model.run([tensor([2, 783])])).rejects.toThrow(
        "input 'pixels' expects [batch, 784], found [2, 783]",
      );
      await expect(model.run([tensor([784])])).rejects.toThrow('found [784]');
      await expect(model.run([{ shape: [2, 784], data: new Float32Array(10) }])).rejects.toThrow(
        'shape [2, 784] needs 1568 values, found 10',
      );
    } finally {
      await model.dispose();
    }
    await expect(model.run([tensor([1, 784])])).rejects.toThrow('has been disposed');
    await model.dispose(); // twice is fine
  });

  it('onnxruntime-node missing: a clear error, and the next attempt tries again', async () => {
    setOnnxRuntimeLoader(() => Promise.reject(moduleNotFound()));
    const error = await createOnnxRuntimeModel(mlp, mlpWeights).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OnnxRuntimeUnavailableError);
    expect((error as Error).message).toBe(NOT_INSTALLED);
    expect(NOT_INSTALLED).toMatch(
      /^onnxruntime-node is not installed: npm install onnxruntime-node \(with ONNXRUNTIME_NODE_INSTALL_CUDA=skip/,
    );
    setOnnxRuntimeLoader();
    const model = await createOnnxRuntimeModel(mlp, mlpWeights);
    await model.dispose();
  });
});

describe('createOnnxRuntimeModel, without running onnxruntime-node', () => {
  it('refuses a thread count that is not a positive integer', async () => {
    await expect(createOnnxRuntimeModel(mlp, mlpWeights, { threads: 0 })).rejects.toThrow(
      'threads must be a positive integer, found 0',
    );
  });

  it('onnxruntime-node present but broken: says so, with the cause', async () => {
    const binding = Object.assign(
      new Error(
        "Cannot find module '../bin/napi-v6/linux/x64/onnxruntime_binding.node'\nRequire stack:\n- x",
      ),
      { code: 'MODULE_NOT_FOUND' },
    );
    setOnnxRuntimeLoader(() => Promise.reject(binding));
    await expect(createOnnxRuntimeModel(mlp, mlpWeights)).rejects.toThrow(
      "onnxruntime-node is installed but does not load (Cannot find module '../bin/napi-v6/linux/x64/onnxruntime_binding.node'): reinstall it with npm install onnxruntime-node",
    );
    setOnnxRuntimeLoader(() => Promise.resolve({ default: {} }));
    await expect(createOnnxRuntimeModel(mlp, mlpWeights)).rejects.toThrow(
      'onnxruntime-node loaded, but it has no InferenceSession / Tensor',
    );
  });
});
