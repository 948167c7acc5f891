/**
 * ViT-B/16 (samples/vit_b16.net) at batch 1, side by side in one process: netc on tfjs wasm
 * (`loadModel(sample, { seed: 1, optimize: true })`) and netc's ONNX export on onnxruntime-node
 * (the same weights), timed rounds interleaved (A, B, A, B, ...) after a warm-up, medians with
 * min–max; the two outputs are compared. Also prints the activation memory `summary` reports.
 * Not a test: the figures depend on the machine and on what else runs on it.
 *
 *   npx tsx bench/vit.ts [--rounds N] [--threads T]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, loadModel } from '../api/index.js';
import { checkFile } from '../compiler/compile.js';
import { packageRoot } from '../compiler/package-root.js';
import { summarize } from '../compiler/summary.js';
import { readGraphWeights } from '../runtime/graph-weights.js';
import { loadNetcOrt, netcOrtEngine, tfjsEngine, type Engine } from './lib/engines.js';
import { agreement, fmtSci, median, medianRange, table, uniformInput } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    threads: { type: 'string', default: '2' },
  },
});
const rounds = Number(values.rounds);
const threads = Number(values.threads);
const sample = join(packageRoot(), 'samples/vit_b16.net');

const checked = checkFile(sample);
if (!checked.ok || checked.graphs.length !== 1)
  throw new Error('samples/vit_b16.net does not compile');
const graph = checked.graphs[0];
const summary = summarize(graph);
await initBackend('wasm', { threads });

const model = await loadModel(sample, { seed: 1, backend: 'wasm', optimize: true });
const reference = await loadModel(sample, { seed: 1, backend: 'wasm' });
const weights = readGraphWeights(reference, graph);
reference.dispose();
const engines: [string, Engine][] = [
  [`netc on tfjs wasm (${threads} threads, optimize)`, tfjsEngine(model)],
  [
    `netc's ONNX on onnxruntime-node (${threads} threads)`,
    netcOrtEngine(await loadNetcOrt()(graph, weights, { threads, optimize: true })),
  ],
];

const shape = [1, 224, 224, 3];
const input = uniformInput(224 * 224 * 3, 7);
const times = engines.map((): number[] => []);
const outputs: Float32Array[] = [];
for (const [, e] of engines) {
  e.prepare(shape, input);
  outputs.push((await e.forward()).data); // warm-up
}
for (let r = 0; r < rounds; r++) {
  for (const [i, [, e]] of engines.entries()) {
    const t0 = performance.now();
    await e.forward();
    times[i].push(performance.now() - t0);
  }
}
const agree = agreement(outputs[0], outputs[1]);
const mib =
  summary.activationBytes === null ? 'n/a' : (Number(summary.activationBytes) / 2 ** 20).toFixed(2);
console.log(
  `ViT-B/16 batch 1: ${summary.totalParams.toLocaleString('en-US')} params, ` +
    `activations ${mib} MiB as summary reports; ${rounds} interleaved rounds after a warm-up.\n`,
);
console.log(
  table(
    ['engine', 'median ms (min–max)', 'vs tfjs wasm'],
    engines.map(([name], i) => [
      name,
      medianRange(times[i]),
      `${(median(times[0]) / median(times[i])).toFixed(2)}x`,
    ]),
  ),
);
console.log(
  `\nThe two outputs differ by ${fmtSci(agree.rel)} of the largest logit ` +
    `(${fmtSci(agree.relSpread)} of their spread).`,
);
for (const [, e] of engines) await e.dispose();
