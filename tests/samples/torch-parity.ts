/**
 * Samples against PyTorch: a sample compiled at a small configuration (model arguments and an
 * input size), the weights of a PyTorch fixture loaded by node and weight name, and the sample
 * run on tfjs or ONNX Runtime, to be compared with the fixture's output by `relDiff`.
 *
 * A fixture folder under tests/fixtures/ (written by its generate.py with
 * tests/fixtures/sample_fixture.py) holds case.json (the sample, its model arguments, its input
 * port and that port's shape), weights.safetensors (netc's keys, `node/name`), input.npy and
 * output.npy (PyTorch's output). `sampleGraph`, `runTfjs` and `runOnnxRuntime` also serve a
 * fixture of another form (compile, then run with any weights).
 *
 * Not a test file: tensor and onnx test files import it (it loads TensorFlow.js).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { buildModel, fillModel } from '../../api/index.js';
import { checkSource } from '../../compiler/compile.js';
import { formatDiagnostic } from '../../compiler/diagnostics/format.js';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import type { ModelArguments } from '../../compiler/lower/lower-model.js';
import { Source } from '../../compiler/source.js';
import { bool, float, int, list, str, type Value } from '../../compiler/value.js';
import { createOnnxRuntimeModel, type EngineTensor } from '../../engines/onnxruntime.js';
import { readNpy } from '../../io/npy.js';
import { readWeightsFile } from '../../io/weights-file.js';
import { useBackend } from '../runtime/helpers.js';

export { relDiff } from '../runtime/helpers.js';

const repo = new URL('../../', import.meta.url);

/** A model argument as JSON writes it: numbers, booleans, strings and lists of them. */
export type JsonArgument = number | boolean | string | readonly JsonArgument[];

/** A JSON argument as a netc value: a whole number is an int, any other number a float. */
export function toValue(v: JsonArgument): Value {
  if (Array.isArray(v)) return list(v.map(toValue));
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : float(v);
  if (typeof v === 'boolean') return bool(v);
  return str(v as string);
}

/**
 * The one model of `samples/FILE` lowered with `args`, each input port of `inputs` declared with
 * the given shape instead of the sample's (`image: [224, 224, 3]` becomes `image: [32, 32, 3]`).
 * Throws with the diagnostics when it does not compile.
 */
export function sampleGraph(
  file: string,
  args: Readonly<Record<string, JsonArgument>> = {},
  inputs: Readonly<Record<string, readonly number[]>> = {},
): Graph {
  const path = fileURLToPath(new URL(`samples/${file}`, repo));
  let text = readFileSync(path, 'utf8');
  for (const [port, shape] of Object.entries(inputs)) {
    const declared = new RegExp(`\\b${port}: \\[[^\\]]*\\]`);
    if (!declared.test(text)) throw new Error(`${file} declares no input '${port}: [...]'`);
    text = text.replace(declared, `${port}: [${shape.join(', ')}]`);
  }
  const values: ModelArguments = Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, toValue(v)]),
  );
  const r = checkSource(new Source(path, text), { args: values });
  if (!r.ok || r.graphs.length !== 1) {
    throw new Error(`${file}: ${r.diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  }
  return r.graphs[0];
}

export interface TorchFixture {
  /** The fixture folder's name under tests/fixtures/. */
  readonly name: string;
  readonly sample: string;
  readonly args: Readonly<Record<string, JsonArgument>>;
  /** The sample at the fixture's configuration. */
  readonly graph: Graph;
  readonly weights: GraphWeights;
  /** The batch for the model's one input (channels last) and PyTorch's output for it. */
  readonly input: EngineTensor;
  readonly output: EngineTensor;
}

interface CaseJson {
  readonly sample: string;
  readonly args: Record<string, JsonArgument>;
  readonly port: string;
  readonly input_shape: number[];
}

/** The fixture in tests/fixtures/NAME/, its sample compiled and its weights checked against it. */
export async function loadTorchFixture(name: string): Promise<TorchFixture> {
  const at = (file: string): string =>
    fileURLToPath(new URL(`tests/fixtures/${name}/${file}`, repo));
  const c = JSON.parse(readFileSync(at('case.json'), 'utf8')) as CaseJson;
  const graph = sampleGraph(c.sample, c.args, { [c.port]: c.input_shape });
  return {
    name,
    sample: c.sample,
    args: c.args,
    graph,
    weights: await readWeightsFile(at('weights.safetensors'), graph),
    input: await readNpy(at('input.npy')),
    output: await readNpy(at('output.npy')),
  };
}

/** A model built from `graph` on the backend, holding `weights` (the caller disposes it). */
export async function tfjsModel(
  graph: Graph,
  weights: GraphWeights,
  backend: 'wasm' | 'cpu',
): Promise<tf.LayersModel> {
  await useBackend(backend);
  const model = buildModel(graph);
  fillModel(model, graph, weights);
  return model;
}

/** `model`'s prediction (inference mode) for one input batch. */
export function predict(model: tf.LayersModel, input: EngineTensor): EngineTensor {
  const x = tf.tensor(input.data, [...input.shape], 'float32');
  const y = model.predict(x) as tf.Tensor;
  const out = { shape: [...y.shape], data: Float32Array.from(y.dataSync() as Float32Array) };
  tf.dispose([x, y]);
  return out;
}

/** The graph with `weights` on tfjs `backend`, in inference mode, for one input batch. */
export async function runTfjs(
  graph: Graph,
  weights: GraphWeights,
  input: EngineTensor,
  backend: 'wasm' | 'cpu',
): Promise<EngineTensor> {
  const model = await tfjsModel(graph, weights, backend);
  try {
    return predict(model, input);
  } finally {
    model.dispose();
  }
}

/** The graph with `weights` exported to ONNX and run on ONNX Runtime (CPU) for one batch. */
export async function runOnnxRuntime(
  graph: Graph,
  weights: GraphWeights,
  input: EngineTensor,
  options: { readonly optimize?: boolean } = {},
): Promise<EngineTensor> {
  const ort = await createOnnxRuntimeModel(graph, weights, options);
  try {
    const [y] = await ort.run([input]);
    return y;
  } finally {
    await ort.dispose();
  }
}
