import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkFile } from '../../compiler/compile.js';
import { packageRoot } from '../../compiler/package-root.js';
import { summarize } from '../../compiler/summary.js';
import { renderSummary } from '../../compiler/summary-table.js';
import { humanCount } from '../../compiler/summary-table.js';
import type { Output } from '../io.js';
import { defineCommand } from '../table.js';
import { printDiagnostics } from './check.js';

export const demoCommand = defineCommand({
  name: 'demo',
  summary:
    'check every sample, catch a shape error, summarise ResNeXt-50, run it on tfjs and compiled, ONNX Runtime beside tfjs',
  usage: '',
  files: 'none',
  description: `Check every sample, show a shape error caught in samples/broken/residual_shape.net
with its expansion chain and fix, print the summary of ResNeXt-50, then build it on
TensorFlow.js (wasm, fixed seed) and time one batch-1 inference on random input, as written
and optimized for inference; compile it to a TypeScript module and run that once with the same
weights; last, export samples/resnet_v1.net to ONNX and run it on ONNX Runtime beside
TensorFlow.js (skipped with one line without onnxruntime-node) (npm start).`,
  options: () => ({}),
  finish: () => ({}),
  run: (_o, io) => runDemo(io),
});

async function runDemo(io: Output): Promise<number> {
  const dir = join(packageRoot(), 'samples');
  const failed = checkSamples(io, dir);
  showShapeError(io, join(dir, 'broken', 'residual_shape.net'));
  const resnextPath = join(dir, 'resnext50.net');
  const resnext = checkFile(resnextPath);
  const graph = resnext.graphs[0];
  if (graph) {
    io.out(`\n${renderSummary(summarize(graph, 2))}`);
    // Imported here: TensorFlow.js loads only when the demo gets this far.
    const { timeInference } = await import('./demo-inference.js');
    await timeInference(io, graph, resnextPath);
    const small = join(dir, 'resnet_v1.net');
    const smallGraph = checkFile(small).graphs[0];
    const { compareOnnx } = await import('./demo-onnx.js');
    if (smallGraph) await compareOnnx(io, smallGraph, small);
  }
  return failed === 0 && resnext.ok ? 0 : 1;
}

/** Checks every `.net` file of `dir`, one line each (time, models, params, MACs); the failures. */
export function checkSamples(io: Output, dir: string): number {
  const root = packageRoot();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.net'))
    .sort();
  let failed = 0;
  io.out(`Checking ${files.length} samples:`);
  for (const f of files) {
    const start = performance.now();
    const r = checkFile(join(dir, f));
    const ms = performance.now() - start;
    if (!r.ok) {
      failed++;
      printDiagnostics(io, r.diagnostics, 'text');
    }
    const models = r.graphs.map((g) => {
      const s = summarize(g);
      return `${g.name} ${s.totalParams.toLocaleString('en-US')} params, ${humanCount(s.macs)} MACs`;
    });
    io.out(
      `  ${r.ok ? 'ok  ' : 'FAIL'} ${relative(root, join(dir, f)).padEnd(34)} ${ms.toFixed(0).padStart(4)} ms  ${models.join('; ')}`,
    );
  }
  return failed;
}

/** A shape error caught at compile time, with the expansion it happened in and its fix. */
export function showShapeError(io: Output, path: string): void {
  const broken = relative(process.cwd(), path);
  io.out(`\nA shape error, caught by netc check (${broken}):`);
  printDiagnostics(io, checkFile(broken).diagnostics, 'text');
}
