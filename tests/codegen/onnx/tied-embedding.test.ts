/**
 * A tied output embedding exported to ONNX: the lookup is a Gather of the matrix, the reverse
 * application a MatMul with its transpose as an initializer; ONNX Runtime predicts what tfjs
 * (wasm) does within 1e-5 relative.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../codegen/onnx/index.js';
import { checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';
import { useBackend } from '../../runtime/helpers.js';
import { decode, nodesOf, ortAvailable, parity, syntheticWeights } from './helpers.js';

const source = `model lm(ids: [6]) {
  h = ids |> embedding(11, 4, name: "wte") |> layer_norm
  return h |> embedding(11, 4, reverse: true, shares: "wte")
}
`;

function graph() {
  const r = checkSource(new Source('lm.net', source));
  expect(r.diagnostics).toEqual([]);
  return r.graphs[0];
}

describe('a tied embedding in ONNX', () => {
  it('is a Gather of the matrix and a MatMul with its transpose', () => {
    const g = graph();
    const weights = syntheticWeights(g);
    const model = decode(exportOnnx(g, weights));
    const table = weights.get('wte/embeddings')!;
    const matmuls = nodesOf(model, 'MatMul');
    expect(matmuls).toHaveLength(1);
    const init = model.graph!.initializer!.find((t) => t.name === matmuls[0].input![1])!;
    expect(init.dims!.map(Number)).toEqual([4, 11]);
    const bytes = init.rawData!;
    const data = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    for (let v = 0; v < 11; v++) {
      for (let k = 0; k < 4; k++) expect(data[k * 11 + v]).toBe(table.data[v * 4 + k]);
    }
    expect(nodesOf(model, 'Gather')).toHaveLength(1);
  });
});

describe.skipIf(!ortAvailable)('a tied embedding on ONNX Runtime', () => {
  beforeAll(() => useBackend('wasm'));

  it('matches tfjs within 1e-5', async () => {
    for (const out of await parity(graph())) {
      expect(out.maxAbs, out.name).toBeGreaterThan(0);
      expect(out.error, out.name).toBeLessThan(1e-5);
    }
  });
});
