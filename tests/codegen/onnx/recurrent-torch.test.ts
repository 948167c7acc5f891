/**
 * The ONNX export of `lstm`, `gru` and `simple_rnn` (ONNX LSTM / GRU / RNN nodes, gates
 * reordered, biases split) on ONNX Runtime against PyTorch's nn.LSTM / nn.GRU / nn.RNN on the
 * same weights (tests/fixtures/recurrent/torch.json), within 1e-5 relative; the masked (right-
 * padded) cases as `sequence_lens`, the given states as `initial_h` / `initial_c`. Skipped
 * without onnxruntime-node.
 */
import { describe, expect, it } from 'vitest';
import { weightKey, type GraphWeights } from '../../../compiler/ir/weights.js';
import { createOnnxRuntimeModel } from '../../../engines/onnxruntime.js';
import {
  torchCaseArgs,
  torchCaseInputs,
  torchCaseTensors,
  torchCases,
  torchCaseTitle,
} from '../../fixtures/recurrent/torch-cases.js';
import { opGraph, relDiff } from '../../runtime/helpers.js';
import { decode, nodesOf, ortAvailable } from './helpers.js';
import { exportOnnx } from '../../../codegen/onnx/index.js';

const BOUND = 1e-5;

const ONNX_OP: Record<string, string> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'RNN' };

const cases = torchCases.map((c) => {
  const graph = opGraph(c.op, torchCaseInputs(c), torchCaseArgs(c));
  const node = graph.nodes[graph.nodes.length - 1].name;
  const weights: GraphWeights = new Map(
    Object.entries(c.weights).map(([k, w]) => [
      weightKey(node, k),
      { shape: w.shape, data: Float32Array.from(w.data) },
    ]),
  );
  return [torchCaseTitle(c), c, graph, weights] as const;
});

describe('recurrent ops exported to ONNX', () => {
  it.each(cases)('%s is one ONNX recurrent node', (_t, c, graph, weights) => {
    const model = decode(exportOnnx(graph, weights));
    expect(nodesOf(model, ONNX_OP[c.op])).toHaveLength(1);
  });
});

describe.skipIf(!ortAvailable)('on ONNX Runtime, against PyTorch', () => {
  it.each(cases)(`%s within ${BOUND}`, async (_t, c, graph, weights) => {
    const ort = await createOnnxRuntimeModel(graph, weights);
    try {
      const inputs = torchCaseTensors(c).map((t) => ({
        shape: t.shape,
        data: Float32Array.from(t.data),
      }));
      const [y] = await ort.run(inputs);
      expect(y.shape).toEqual(c.y.shape);
      expect(relDiff(y.data, c.y.data)).toBeLessThan(BOUND);
    } finally {
      await ort.dispose();
    }
  });
});
