/**
 * Freezing (runtime/train/freeze.ts): after a training step the frozen layers' weights are bit
 * for bit unchanged (a frozen batch norm's moving statistics too: it runs in inference mode),
 * the others' move; globs match whole names and block prefixes, as in the documented
 * fine-tune of samples/irv2_finetune.net (`--freeze base`).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, fit } from '../../../api/index.js';
import { checkFile, checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';
import { readGraphWeights } from '../../../runtime/graph-weights.js';
import { FreezeError, frozenNodes, globRegExp } from '../../../runtime/train/freeze.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

const graph = (() => {
  const r = checkSource(
    new Source(
      't.net',
      `model m(x: [4]) {
  return y: x |> dense(6, name: "fc1") |> batch_norm(momentum: 0.5, name: "bn1") |> relu |> dense(3, name: "head")
}
`,
    ),
  );
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graphs[0];
})();

describe('freezing layers', () => {
  it('one step leaves the frozen weights bit for bit as they were and moves the head', async () => {
    const model = buildModel(graph, { seed: 4 });
    const before = readGraphWeights(model, graph);
    const n = 8;
    const x = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i) * 2 + 1);
    const y = Float32Array.from({ length: n * 3 }, (_, i) => Math.cos(i));
    const r = await fit(
      model,
      graph,
      { x: [{ shape: [n, 4], data: x }], y: [{ shape: [n, 3], data: y }] },
      {
        loss: 'mse',
        epochs: 1,
        batchSize: n,
        optimizer: { name: 'sgd', lr: 0.5 },
        freeze: ['fc?', 'bn*'],
      },
    );
    expect(r.frozen.layers).toEqual(['fc1', 'bn1']);
    expect(r.frozen.params).toBe(4 * 6 + 6 + 6 + 6); // fc1 kernel + bias, bn1 gamma + beta
    const after = readGraphWeights(model, graph);
    for (const key of [
      'fc1/kernel',
      'fc1/bias',
      'bn1/gamma',
      'bn1/beta',
      'bn1/moving_mean',
      'bn1/moving_variance',
    ]) {
      expect(Array.from(after.get(key)!.data), key).toEqual(Array.from(before.get(key)!.data));
    }
    for (const key of ['head/kernel', 'head/bias']) {
      const moved = Array.from(after.get(key)!.data).some((v, i) => v !== before.get(key)!.data[i]);
      expect(moved, key).toBe(true);
    }
    // Without freezing the same step moves fc1 and bn1's moving statistics.
    const free = buildModel(graph, { seed: 4 });
    const f = await fit(
      free,
      graph,
      { x: [{ shape: [n, 4], data: x }], y: [{ shape: [n, 3], data: y }] },
      { loss: 'mse', epochs: 1, batchSize: n, optimizer: { name: 'sgd', lr: 0.5 } },
    );
    const moved = readGraphWeights(free, graph);
    for (const key of ['fc1/kernel', 'bn1/moving_mean']) {
      expect(Array.from(moved.get(key)!.data)).not.toEqual(Array.from(before.get(key)!.data));
    }
    r.optimizer.dispose();
    f.optimizer.dispose();
    model.dispose();
    free.dispose();
  });

  it('globs match whole names or a block and everything in it; a pattern matching nothing is an error', () => {
    expect(globRegExp('base').test('base.stem.conv')).toBe(true);
    expect(globRegExp('base').test('baseline')).toBe(false);
    expect(globRegExp('b?se.*.conv').test('base.stem.conv')).toBe(true);
    expect(globRegExp('a+b').test('aab')).toBe(false);
    expect(() => frozenNodes(graph, ['nothing*'])).toThrow(FreezeError);
    expect(() => frozenNodes(graph, ['nothing*'])).toThrow(
      "--freeze 'nothing*' matches no layer of model 'm' (names are like 'fc1'; see netc summary)",
    );
  });

  it('irv2_finetune: --freeze base freezes the whole Inception-ResNet-v2 base, not the head', () => {
    const r = checkFile('samples/irv2_finetune.net');
    expect(r.ok).toBe(true);
    const g = r.graphs[0];
    const frozen = frozenNodes(g, ['base']);
    const layers = g.nodes.filter((n) => n.op !== 'input').map((n) => n.name);
    expect(frozen).toEqual(layers.filter((n) => n.startsWith('base.')));
    expect(frozen.length).toBeGreaterThan(800);
    expect(layers.filter((n) => !frozen.includes(n))).toEqual([
      'avg_pool',
      'fc',
      'dropout',
      'predictions',
    ]);
    expect(readFileSync('docs/training.md', 'utf8')).toContain(
      'netc train samples/irv2_finetune.net --freeze base',
    );
  });
});
