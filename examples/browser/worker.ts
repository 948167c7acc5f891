/**
 * The inference worker: builds the compiled model, loads its weights from the tfjs folder
 * `weights/` (written by netc), and answers predict requests, so the page never blocks.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createModel, fetchWeights, inputShapes } from './model.js';
import type { PredictReply, PredictRequest } from './protocol.js';

// The .wasm files are served from /wasm/ (copied from @tensorflow/tfjs-backend-wasm/dist).
setWasmPaths('/wasm/');

let model: tf.LayersModel | undefined;

async function predict(request: PredictRequest): Promise<PredictReply> {
  if (!(await tf.setBackend(request.backend))) throw new Error(`no ${request.backend} backend`);
  await tf.ready();
  if (!model) {
    model = createModel();
    await fetchWeights(model, 'weights/model.json');
  }
  const x = tf.tensor(request.input, [...request.shape], 'float32');
  const run = async () => {
    const start = performance.now();
    const y = model!.predict(x) as tf.Tensor;
    const data = (await y.data()) as Float32Array;
    const shape = y.shape;
    y.dispose();
    return { ms: performance.now() - start, data, shape };
  };
  const first = await run();
  const timesMs: number[] = [];
  for (let i = 0; i < request.repeats; i++) timesMs.push((await run()).ms);
  x.dispose();
  return {
    ok: true,
    backend: tf.getBackend(),
    output: first.data,
    shape: first.shape,
    firstMs: first.ms,
    timesMs,
  };
}

self.onmessage = async (event: MessageEvent<PredictRequest>) => {
  let reply: PredictReply;
  try {
    if (event.data.shape[1] !== inputShapes.pixels[1]) throw new Error('input of the wrong size');
    reply = await predict(event.data);
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(reply);
};
