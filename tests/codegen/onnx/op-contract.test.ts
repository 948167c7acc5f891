/**
 * The `run` cases of the op contract table (tests/compiler/ops/cases.ts) exported to ONNX: each exports
 * (with the registry's weights, synthetic values) to a model whose input and output dims are the
 * graph's (batch, then the inferred shape: sizes, symbols as dim_param, unknowns empty), with
 * nodes, and initializers when the op has weights; and, when onnxruntime-node can be imported, runs on ONNX Runtime and
 * matches tfjs (wasm) within 1e-4 relative: max |tfjs - ort| / max(1, max |tfjs|).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../codegen/onnx/index.js';
import type { Shape } from '../../../compiler/ir/shape.js';
import { caseTitle, runCases } from '../../compiler/ops/cases.js';
import { opGraph, useBackend, type Arg } from '../../runtime/helpers.js';
import { decode, ioDims, nodesOf, ortAvailable, parity, syntheticWeights } from './helpers.js';

const BOUND = 1e-4;

const graphOf = (c: (typeof runCases)[number]) =>
  opGraph(c.op, [...c.inputs], (c.args ?? {}) as Record<string, Arg>);

/** An IR shape as ONNX dims: numbers, dim_param names, null for unknown. */
const onnxDims = (s: Shape): (number | string | null)[] => s.map((d) => d);

describe.each(runCases.map((c) => [caseTitle(c), c] as const))('%s', (_title, c) => {
  it('exports to ONNX with the graph dims', () => {
    const graph = graphOf(c);
    const model = decode(exportOnnx(graph, syntheticWeights(graph)));
    const g = model.graph!;
    expect((g.input ?? []).map((v) => ioDims(v).slice(1))).toEqual(
      graph.inputs.map((p) => onnxDims(p.shape)),
    );
    expect((g.output ?? []).map((v) => ioDims(v).slice(1))).toEqual([onnxDims(c.shape!)]);
    expect(nodesOf(model).length).toBeGreaterThan(0);
    // Weights travel as initializers (batch-norm statistics folded into a scale and a shift).
    if (c.params! > 0) expect(g.initializer ?? []).not.toHaveLength(0);
  });
});

describe.skipIf(!ortAvailable)('on ONNX Runtime (tfjs on wasm as the reference)', () => {
  beforeAll(() => useBackend('wasm'));

  it.each(runCases.map((c) => [caseTitle(c), c] as const))(
    `%s predicts what tfjs does, within ${BOUND}`,
    async (_title, c) => {
      const results = await parity(graphOf(c));
      for (const r of results) {
        expect(r.finite, r.name).toBe(true);
        expect(r.maxAbs, `${r.name} is not all zeros`).toBeGreaterThan(0);
        expect(r.error, r.name).toBeLessThanOrEqual(BOUND);
      }
    },
  );
});
