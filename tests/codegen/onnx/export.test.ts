/**
 * The exported protobuf itself, decoded with onnx-proto: model metadata, names taken from the IR,
 * one native Conv per convolution (grouped ones with `group`), TensorFlow "same" padding as
 * hand-computed pads, the layout transposes, symbolic dims, and the errors of graphs or weights
 * that cannot be exported.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  exportOnnx,
  OnnxExportError,
  unsupportedOnnxNodes,
  weightProblems,
} from '../../../codegen/onnx/index.js';
import type { Graph } from '../../../compiler/ir/graph.js';
import { weightKey } from '../../../compiler/ir/weights.js';
import { allOps, getOp } from '../../../compiler/ops/registry.js';
import { loadOnnxRuntime } from '../../../engines/onnxruntime-loader.js';
import { checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';
import {
  attr,
  decode,
  fixturesDir,
  graphOf,
  ioDims,
  nodesOf,
  ortAvailable,
  pseudoRandom,
  samplesDir,
  syntheticWeights,
} from './helpers.js';

const resnext = graphOf(join(samplesDir, 'resnext50.net'));
const resnextModel = decode(exportOnnx(resnext, syntheticWeights(resnext)));
const windows = graphOf(join(fixturesDir, 'ops.net'), 'windows');
const windowsModel = decode(exportOnnx(windows, syntheticWeights(windows)));

/** A graph from source text (one model). */
function graphFrom(text: string): Graph {
  const r = checkSource(new Source('test.net', text));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graphs[0];
}

const byName = (name: string) => nodesOf(windowsModel).find((n) => n.name === name)!;

describe('the exported model', () => {
  it('is ONNX IR 8, opset 17, produced by netc, named after the model', () => {
    expect(Number(resnextModel.irVersion)).toBe(8);
    expect(resnextModel.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(resnextModel.producerName).toBe('netc');
    expect(resnextModel.graph!.name).toBe('resnext50');
  });

  it('keeps the port names, netc layout and a symbolic batch at the inputs and outputs', () => {
    const g = resnextModel.graph!;
    expect(g.input!.map((v) => [v.name, ioDims(v)])).toEqual([['image', ['batch', 224, 224, 3]]]);
    expect(g.output!.map((v) => [v.name, ioDims(v)])).toEqual([['probs', ['batch', 1000]]]);
    const symbolic = graphFrom('model s(x: [T, ?, 4]) {\n  return y: x |> dense(2)\n}\n');
    const m = decode(exportOnnx(symbolic, syntheticWeights(symbolic)));
    expect(ioDims(m.graph!.input![0])).toEqual(['batch', 'T', null, 4]);
    expect(ioDims(m.graph!.output![0])).toEqual(['batch', 'T', null, 2]);
  });

  it('names nodes and initializers after the IR, uniquely', () => {
    const nodes = nodesOf(resnextModel);
    const names = nodes.map((n) => n.name!);
    expect(new Set(names).size).toBe(names.length);
    const irNames = new Set(resnext.nodes.map((n) => n.name));
    for (const n of nodes) {
      const base = n.name!.split('/')[0];
      expect(irNames.has(base) || n.name === 'probs', n.name!).toBe(true);
      expect(n.output).toEqual([n.name]);
    }
    // Every weight is an initializer under its weightKey name, with the ONNX layout.
    const inits = new Map(resnextModel.graph!.initializer!.map((t) => [t.name!, t]));
    for (const [key, w] of syntheticWeights(resnext)) {
      expect(inits.has(key), key).toBe(true);
      expect(inits.get(key)!.dims!.map(Number).sort()).toEqual([...w.shape].sort());
    }
    // Each IR conv is one Conv of the same name reading its own kernel.
    for (const node of resnext.nodes.filter((n) => n.op === 'conv2d')) {
      const conv = nodes.find((n) => n.name === node.name)!;
      expect(conv.opType).toBe('Conv');
      expect(conv.input![1]).toBe(weightKey(node.name, 'kernel'));
    }
  });

  it('exports every ResNeXt grouped convolution as one Conv with group = 32', () => {
    const grouped = resnext.nodes.filter((n) => n.attrs.groups === 32);
    expect(grouped).toHaveLength(16);
    const convs = nodesOf(resnextModel, 'Conv');
    expect(convs).toHaveLength(53);
    const withGroups = convs.filter((n) => attr(n, 'group') === 32);
    expect(withGroups.map((n) => n.name).sort()).toEqual(grouped.map((n) => n.name).sort());
    for (const op of ['Split', 'Slice', 'Concat']) expect(nodesOf(resnextModel, op)).toEqual([]);
    const kernel = resnextModel.graph!.initializer!.find(
      (t) => t.name === 'stack1.block1.grouped_conv/kernel',
    )!;
    expect(kernel.dims!.map(Number)).toEqual([128, 4, 3, 3]);
    expect(convs.filter((n) => attr(n, 'group') !== 32).every((n) => attr(n, 'group') === 1)).toBe(
      true,
    );
  });

  it('transposes once, after the input, for a CNN with a pooled head', () => {
    const t = nodesOf(resnextModel, 'Transpose');
    expect(t.map((n) => [n.input, attr(n, 'perm')])).toEqual([[['image'], [0, 3, 1, 2]]]);
    const outputs = nodesOf(windowsModel).filter((n) =>
      windows.outputs.some((p) => p.name === n.name),
    );
    // Image outputs go back to channels-last.
    expect(outputs.map((n) => [n.opType, attr(n, 'perm')])).toEqual(
      Array(6).fill(['Transpose', [0, 2, 3, 1]]),
    );
  });

  it('moves Keras kernels [kh, kw, in, out] to ONNX [out, in, kh, kw]', () => {
    const weights = syntheticWeights(windows);
    const keras = weights.get('conv2d_1/kernel')!; // [4, 2, 3, 4]
    const t = windowsModel.graph!.initializer!.find((x) => x.name === 'conv2d_1/kernel')!;
    expect(t.dims!.map(Number)).toEqual([4, 3, 4, 2]);
    const raw = t.rawData!;
    const onnxData = new Float32Array(
      raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength),
    );
    const at = (kh: number, kw: number, ci: number, co: number) =>
      keras.data[((kh * 2 + kw) * 3 + ci) * 4 + co];
    for (const [kh, kw, ci, co] of [
      [0, 0, 0, 0],
      [3, 1, 2, 3],
      [1, 0, 2, 1],
      [2, 1, 0, 2],
    ]) {
      expect(onnxData[((co * 3 + ci) * 4 + kh) * 2 + kw]).toBe(at(kh, kw, ci, co));
    }
  });

  it('writes TensorFlow "same" padding as explicit pads, the odd zero after', () => {
    // pads are [top, left, bottom, right]; hand-computed from (ceil(n/s) - 1) * s + k - n.
    expect(attr(byName('conv2d_0'), 'pads')).toEqual([1, 1, 1, 1]); // 13x11, k3 s2
    expect(attr(byName('conv2d_1'), 'pads')).toEqual([1, 0, 2, 1]); // k[4,2] s[3,2]: 3 and 1
    expect(attr(byName('conv2d_2'), 'pads')).toEqual([2, 2, 2, 2]); // k3 dilation 2
    expect(attr(byName('conv2d_2'), 'dilations')).toEqual([2, 2]);
    expect(attr(byName('max_pool2d_0'), 'pads')).toEqual([0, 0, 1, 1]); // pool 2 s2 on 13x11
    expect(attr(byName('avg_pool2d_0'), 'pads')).toEqual([1, 1, 1, 1]);
    expect(attr(byName('avg_pool2d_0'), 'count_include_pad')).toBe(0);
    expect(attr(byName('separable_conv2d_0/depthwise'), 'pads')).toEqual([0, 0, 1, 1]);
    const dw = byName('depthwise_conv2d_0');
    expect([attr(dw, 'group'), attr(dw, 'pads'), attr(dw, 'strides')]).toEqual([
      3,
      [1, 1, 1, 1],
      [2, 2],
    ]);
    // ResNeXt: a stride-2 grouped conv on 56x56 pads only after.
    const down = resnext.nodes.find(
      (n) => n.attrs.groups === 32 && (n.attrs.stride as number[])[0] === 2,
    )!;
    const conv = nodesOf(resnextModel).find((n) => n.name === down.name)!;
    expect(attr(conv, 'pads')).toEqual([0, 0, 1, 1]);
  });

  it('leaves "same" under stride 2 of an unknown size to auto_pad SAME_UPPER', () => {
    const g = graphOf(join(fixturesDir, 'ops.net'), 'unknown');
    const m = decode(exportOnnx(g, syntheticWeights(g)));
    for (const name of ['conv2d_0', 'max_pool2d_0', 'conv1d_0', 'avg_pool1d_0']) {
      const n = nodesOf(m).find((x) => x.name === name)!;
      expect([attr(n, 'auto_pad'), attr(n, 'pads')], name).toEqual(['SAME_UPPER', undefined]);
    }
    expect(ioDims(m.graph!.input![0])).toEqual(['batch', null, null, 3]);
  });

  it('fuses activations as a following node, named after them', () => {
    expect(byName('conv2d_0/relu').opType).toBe('Relu');
    expect(byName('conv2d_0/relu').input).toEqual(['conv2d_0']);
    expect(byName('conv2d_1/tanh').opType).toBe('Tanh');
    expect(byName('separable_conv2d_0/elu').opType).toBe('Elu');
    const g = graphFrom(
      'model a(x: [4]) {\n  return y: x |> dense(3, activation: "hard_sigmoid") |> dense(3, activation: "relu6")\n}\n',
    );
    const m = decode(exportOnnx(g, syntheticWeights(g)));
    const hs = nodesOf(m, 'HardSigmoid')[0];
    expect(attr(hs, 'alpha')).toBeCloseTo(1 / 6, 7);
    expect(attr(hs, 'beta')).toBe(0.5);
    expect(nodesOf(m, 'Clip')).toHaveLength(1);
    expect(nodesOf(m, 'Gemm')).toHaveLength(2);
  });

  it('names the inputs and outputs by position on request', () => {
    const g = graphOf(join(fixturesDir, 'ops.net'), 'unknown');
    const m = decode(exportOnnx(g, syntheticWeights(g), { ioNames: 'indexed' }));
    expect(m.graph!.input!.map((v) => v.name)).toEqual(['input_0', 'input_1']);
    expect(m.graph!.output!.map((v) => v.name)).toEqual(['output_0', 'output_1']);
  });

  it.skipIf(!ortAvailable)('loads in onnxruntime, at every supported opset', async () => {
    const ort = await loadOnnxRuntime();
    const g = graphOf(join(fixturesDir, 'ops.net'), 'merges');
    const w = syntheticWeights(g);
    const x = new ort.Tensor('float32', pseudoRandom(2 * 6 * 5 * 4, 5), [2, 6, 5, 4]);
    const results: Float32Array[] = [];
    for (const opset of [17, 18, 19, 21]) {
      const bytes = exportOnnx(g, w, { opset });
      const m = decode(bytes);
      expect(Number(m.opsetImport[0].version)).toBe(opset);
      const reduce = nodesOf(m, 'ReduceMean')[0];
      expect(reduce.input!.length).toBe(opset < 18 ? 1 : 2);
      const session = await ort.InferenceSession.create(bytes);
      const out = await session.run({ x });
      results.push(out.u.data as Float32Array);
      await session.release();
    }
    for (const r of results.slice(1)) expect(Array.from(r)).toEqual(Array.from(results[0]));
  });
});

describe('what cannot be exported', () => {
  it('every op of the registry has an ONNX lowering', () => {
    expect(allOps.filter((op) => !op.onnx).map((op) => op.name)).toEqual([]);
  });

  it('an op without ONNX lowering: an error naming the op and the node', () => {
    const g = graphOf(join(fixturesDir, 'ops.net'), 'merges');
    const op = getOp('upsampling2d') as { onnx?: unknown };
    const saved = op.onnx;
    delete op.onnx;
    try {
      expect(unsupportedOnnxNodes(g).map((n) => n.name)).toEqual(['upsampling2d_0']);
      let error: unknown;
      try {
        exportOnnx(g, syntheticWeights(g));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OnnxExportError);
      const e = error as OnnxExportError;
      expect(e.message).toBe(
        "op 'upsampling2d' has no ONNX lowering (node upsampling2d_0), so this model cannot be exported to ONNX",
      );
      expect(e.node?.name).toBe('upsampling2d_0');
      expect(e.code).toBe('E5001');
    } finally {
      op.onnx = saved;
    }
  });

  it('an argument ONNX cannot express: an OpError at the node', () => {
    const g = graphFrom('model z(x: [T, ?]) {\n  return y: x |> zero_pad_channels(8)\n}\n');
    expect(() => exportOnnx(g, new Map())).toThrow(
      /zero_pad_channels needs a known channel count to export to ONNX, but the input is \[T, \?\]/,
    );
    try {
      exportOnnx(g, new Map());
    } catch (e) {
      expect((e as OnnxExportError).node?.op).toBe('zero_pad_channels');
      expect((e as OnnxExportError).code).toBe('E3004');
    }
  });

  it('weights that do not fit: every missing, unexpected and mis-shaped one, no node', () => {
    const g = graphOf(join(samplesDir, 'mlp_mnist.net'));
    const w = syntheticWeights(g);
    w.delete('dense_1/bias');
    w.set('dense_0/kernel', { shape: [784, 3], data: new Float32Array(784 * 3) });
    w.set('nothing/kernel', { shape: [1], data: new Float32Array(1) });
    expect(weightProblems(g, w)).toEqual([
      'dense_0/kernel: expected [784, 512], found [784, 3]',
      'missing dense_1/bias [512]',
      'unexpected nothing/kernel',
    ]);
    expect(() => exportOnnx(g, w)).toThrow(/weights do not match graph mlp_mnist:\n  dense_0/);
  });

  it('an opset outside 17..21', () => {
    const g = graphOf(join(samplesDir, 'mlp_mnist.net'));
    for (const opset of [16, 22, 17.5]) {
      expect(() => exportOnnx(g, syntheticWeights(g), { opset })).toThrow(
        `opset ${opset} is not supported: netc writes opsets 17 to 21`,
      );
    }
  });
});
