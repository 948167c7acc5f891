/**
 * `netc run --engine onnxruntime`: the same inputs, checks, weights and report as on
 * TensorFlow.js, with the model exported to ONNX and run by onnxruntime-node. The weights come
 * from the tfjs model `netc run` would build (loaded from --weights, or initialised).
 */
import { createOnnxRuntimeModel, type OnnxRuntimeModel } from '../../engines/onnxruntime.js';
import type { Output } from '../io.js';
import type { RunOptions } from './model-args.js';
import { compileModel, duration } from './model-support.js';
import { unsupportedDiagnostics } from './onnx-diagnostics.js';
import { describeWeights, graphWeightsFor, reportOnnxFailure } from './onnx-support.js';
import { printDiagnostics } from './check.js';
import type { NamedPath } from './output-paths.js';
import { prepareRunData, reportOutputs } from './run-io.js';

export async function execRunOnnx(o: RunOptions, io: Output): Promise<number> {
  const start = performance.now();
  const sources: NamedPath[] = [];
  const graph = compileModel(io, o.file, o.model, sources);
  if (!graph) return 1;
  const unsupported = unsupportedDiagnostics(graph);
  if (unsupported.length > 0) {
    printDiagnostics(io, unsupported, 'text');
    return 1;
  }
  const compiled = performance.now();
  const data = await prepareRunData(io, graph, o, sources);
  if (!data) return 1;
  const { arrays, batch } = data;

  const t0 = performance.now();
  const weights = await graphWeightsFor(graph, o);
  const t1 = performance.now();
  let model: OnnxRuntimeModel;
  try {
    model = await createOnnxRuntimeModel(graph, weights, {
      optimize: o.optimize,
      threads: o.threads,
    });
  } catch (e) {
    return reportOnnxFailure(io, e);
  }
  const t2 = performance.now();
  try {
    const ys = await model.run(arrays.map((b) => ({ shape: b.array.shape, data: b.array.data })));
    const t3 = performance.now();
    const parts = [
      `compile ${duration(compiled - start)}`,
      `weights on tfjs ${o.backend} ${duration(t1 - t0)}`,
      `export + session ${duration(t2 - t1)}`,
    ];
    const threads =
      o.threads === undefined ? '' : `, ${o.threads} thread${o.threads === 1 ? '' : 's'}`;
    io.out(
      `model    ${graph.name} (${o.file}) on onnxruntime (cpu${threads}), ${describeWeights(o, weights)}`,
    );
    if (o.optimize) io.out(`graph    optimized for inference (--no-optimize runs it as written)`);
    io.out(`build    ${duration(compiled - start + t2 - t0)} (${parts.join(', ')})`);
    io.out(`predict  ${duration(t3 - t2)} (batch ${batch})`);
    await reportOutputs(
      io,
      graph,
      data.outputs,
      ys.map((y) => ({ shape: [...y.shape], data: y.data })),
    );
    return 0;
  } finally {
    await model.dispose();
  }
}
