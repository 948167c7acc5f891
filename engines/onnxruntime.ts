/**
 * Running a netc graph on ONNX Runtime (onnxruntime-node, CPU): the graph and its weights are
 * exported with codegen/onnx, then loaded into an InferenceSession. Inputs and outputs are in
 * graph port order and netc's layout, batch first, as `netc run` and `model.predict` take them.
 */
import { exportOnnxModel } from '../codegen/onnx/export.js';
import { concatData } from '../codegen/onnx/external-data.js';
import type { ExternalDataMode } from '../codegen/onnx/external-data-plan.js';
import type { Graph, GraphPort } from '../compiler/ir/graph.js';
import type { GraphWeights } from '../compiler/ir/weights.js';
import { optimizeForInference } from '../compiler/passes/index.js';
import { loadOnnxRuntime, type OrtSessionOptions, type OrtTensor } from './onnxruntime-loader.js';

/** A float32 tensor: shape with the batch first, data in row-major order. */
export interface EngineTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface OnnxRuntimeModel {
  /** The graph that runs: the given one, or its inference-optimized form with `optimize`. */
  readonly graph: Graph;
  /** One tensor per graph input, in port order; one per graph output back, in port order. */
  run(inputs: readonly EngineTensor[]): Promise<EngineTensor[]>;
  /** Releases the session; `run` fails afterwards. */
  dispose(): Promise<void>;
}

export interface OnnxRuntimeOptions {
  /** ONNX Runtime's intra-op threads; default: its own choice (the physical cores). */
  readonly threads?: number;
  /** Run `optimizeForInference(graph)` (and fold the weights) first. */
  readonly optimize?: boolean;
  /**
   * Whether the weights go to an (in-memory) external data file: `auto` (the default) when the
   * model would exceed protobuf's 2 GiB (codegen/onnx/external-data.ts), `always` (tests).
   */
  readonly externalData?: Exclude<ExternalDataMode, 'never'>;
}

const dims = (shape: readonly (number | string | null)[]): string =>
  `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** An input must be a batch for its port: rank + 1 dims, known sizes equal, data that fits. */
function checkInput(port: GraphPort, t: EngineTensor | undefined): void {
  if (!t) throw new Error(`no tensor for input '${port.name}'`);
  const expected = `input '${port.name}' expects [batch, ${port.shape.map((d) => (d === null ? '?' : d)).join(', ')}]`;
  const ok =
    t.shape.length === port.shape.length + 1 &&
    t.shape.every((d) => Number.isInteger(d) && d > 0) &&
    port.shape.every((d, i) => typeof d !== 'number' || d === t.shape[i + 1]);
  if (!ok) throw new Error(`${expected}, found ${dims(t.shape)}`);
  const n = t.shape.reduce((p, d) => p * d, 1);
  if (t.data.length !== n) {
    throw new Error(
      `${expected}: shape ${dims(t.shape)} needs ${n} values, found ${t.data.length}`,
    );
  }
}

/** An ORT output as a plain tensor (copied: the session may reuse its buffers). */
function toEngineTensor(name: string, t: OrtTensor | undefined): EngineTensor {
  if (!t || t.type !== 'float32' || !(t.data instanceof Float32Array)) {
    throw new Error(`ONNX Runtime returned no float32 output '${name}'`);
  }
  return { shape: t.dims.map(Number), data: new Float32Array(t.data) };
}

/**
 * Exports `graph` with `weights` (Keras layouts, by `weightKey`) to ONNX and opens an ONNX
 * Runtime session on it (CPU, graph optimization level `all`). Throws an
 * `OnnxRuntimeUnavailableError` when onnxruntime-node is missing, an `OnnxExportError` when the
 * graph cannot be exported.
 */
export async function createOnnxRuntimeModel(
  graph: Graph,
  weights: GraphWeights,
  options: OnnxRuntimeOptions = {},
): Promise<OnnxRuntimeModel> {
  const threads = options.threads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    throw new Error(`threads must be a positive integer, found ${threads}`);
  }
  const ort = await loadOnnxRuntime();
  let g = graph;
  let w = weights;
  if (options.optimize) {
    const optimized = optimizeForInference(graph);
    g = optimized.graph;
    w = optimized.foldWeights(weights);
  }
  // Inputs and outputs named by position: ORT's JS API keys plain objects by them.
  const { model, data } = exportOnnxModel(g, w, {
    ioNames: 'indexed',
    externalData: options.externalData ?? 'auto',
  });
  const sessionOptions: OrtSessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
    ...(data ? { externalData: [{ path: data.name, data: concatData(data) }] } : {}),
  };
  const session = await ort.InferenceSession.create(model, sessionOptions);
  let released = false;
  return {
    graph: g,
    async run(inputs) {
      if (released) throw new Error('this ONNX Runtime model has been disposed');
      if (inputs.length !== g.inputs.length) {
        const n = g.inputs.length;
        throw new Error(
          `the model has ${n} input${n === 1 ? '' : 's'}, found ${inputs.length} tensors`,
        );
      }
      const feeds: Record<string, OrtTensor> = {};
      g.inputs.forEach((port, i) => {
        checkInput(port, inputs[i]);
        feeds[session.inputNames[i]] = new ort.Tensor('float32', inputs[i].data, inputs[i].shape);
      });
      const out = await session.run(feeds);
      return session.outputNames.map((name) => toEngineTensor(name, out[name]));
    },
    async dispose() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}
