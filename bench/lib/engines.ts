/**
 * The things bench/inference.ts times, behind one interface: a tfjs LayersModel (netc's, or a
 * hand-written baseline), netc's onnxruntime engine, and a PyTorch-exported `.onnx` file on
 * onnxruntime-node. Each is given the same NHWC input (transposed to NCHW for PyTorch's ONNX) and
 * returns its output read back into a Float32Array, inside the timed region.
 *
 * onnxruntime-node is an optional dependency and netc's onnxruntime engine is newer than this
 * bench, so both are imported dynamically and typed here by the little the bench uses: when
 * either is missing the loaders return a reason instead of throwing.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import {
  loadOnnxRuntime,
  type OrtModule,
  type OrtSessionOptions,
  type OrtTensor,
} from '../../engines/onnxruntime-loader.js';
import { transposeWeight } from '../../compiler/ops/onnx-weights.js';
import { createOnnxRuntimeModel } from '../../engines/onnxruntime.js';

export interface Output {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface Engine {
  /** Makes this engine's input for one batch (replacing the previous one); not timed. */
  prepare(shape: readonly number[], nhwc: Float32Array): void;
  /** One forward pass on the prepared input, output read back. The timed part. */
  forward(): Promise<Output>;
  dispose(): Promise<void> | void;
}

/** A tfjs-layers model; the read-back (`await data()`) forces the wasm work to finish. */
export function tfjsEngine(model: tf.LayersModel): Engine {
  let input: tf.Tensor | undefined;
  return {
    prepare(shape, nhwc) {
      input?.dispose();
      input = tf.tensor(nhwc, [...shape], 'float32');
    },
    async forward() {
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => model.predict(input!) as tf.Tensor);
      const data = (await out.data()) as Float32Array;
      const shape = out.shape;
      out.dispose();
      const leaked = tf.memory().numTensors - before;
      if (leaked !== 0) throw new Error(`${model.name}: predict leaked ${leaked} tensors`);
      return { shape, data };
    },
    dispose() {
      input?.dispose();
      input = undefined;
      model.dispose();
    },
  };
}

// ---- netc's onnxruntime engine (engines/onnxruntime.ts) -----------------------------

export interface NetcOrtModel {
  run(inputs: { shape: readonly number[]; data: Float32Array }[]): Promise<Output[]>;
  dispose(): unknown;
}
export type CreateNetcOrtModel = (
  graph: Graph,
  weights: GraphWeights,
  options: { threads?: number; optimize?: boolean },
) => NetcOrtModel | Promise<NetcOrtModel>;

/** netc's `createOnnxRuntimeModel` (engines/onnxruntime.ts; onnxruntime-node loads on first use). */
export function loadNetcOrt(): CreateNetcOrtModel {
  return createOnnxRuntimeModel;
}

export function netcOrtEngine(model: NetcOrtModel): Engine {
  let input: { shape: readonly number[]; data: Float32Array } | undefined;
  return {
    prepare(shape, nhwc) {
      input = { shape: [...shape], data: nhwc };
    },
    async forward() {
      const [out] = await model.run([input!]);
      return { shape: [...out.shape], data: out.data };
    },
    async dispose() {
      await model.dispose();
    },
  };
}

// ---- onnxruntime-node, for the PyTorch-exported models --------------------------------------

/** onnxruntime-node (netc's own loader), or why it cannot be loaded. */
export async function loadOrt(): Promise<OrtModule | string> {
  try {
    return await loadOnnxRuntime();
  } catch (e) {
    return `onnxruntime-node: ${(e as Error).message.split('\n')[0]}`;
  }
}

/**
 * Session options for the PyTorch-exported models: the ones netc's engine uses
 * (engines/onnxruntime.ts: CPU provider, all graph optimisations, `threads` intra-op
 * threads, the rest onnxruntime's defaults), so that the two onnxruntime columns differ only in
 * the ONNX graph.
 */
export const ortSessionOptions = (threads: number): OrtSessionOptions => ({
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: threads,
});

/** A PyTorch-exported model (NCHW input `input`) on onnxruntime-node. */
export async function onnxFileEngine(
  ort: OrtModule,
  path: string,
  threads: number,
): Promise<Engine> {
  const session = await ort.InferenceSession.create(path, ortSessionOptions(threads));
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  let feeds: Record<string, OrtTensor> = {};
  return {
    prepare(shape, nhwc) {
      const [n, h, w, c] = shape;
      feeds = {
        [inputName]: new ort.Tensor(
          'float32',
          transposeWeight({ shape, data: nhwc }, [0, 3, 1, 2]).data,
          [n, c, h, w],
        ),
      };
    },
    async forward() {
      const out = (await session.run(feeds))[outputName];
      return { shape: [...out.dims], data: out.data as Float32Array };
    },
    async dispose() {
      await session.release();
    },
  };
}
