/**
 * Builds the example into a folder that any static file server can serve:
 *
 *   npx tsx examples/browser/build.ts OUT WEIGHTS
 *
 * compiles samples/mlp_mnist.net to OUT/src/model.ts (`netc compile`), bundles main.ts and
 * worker.ts with esbuild (minified ES modules: OUT/main.js, OUT/worker.js), copies index.html,
 * the tfjs-backend-wasm .wasm files (OUT/wasm/) and the tfjs weights folder WEIGHTS (as
 * written by `netc train --save DIR` or `netc weights convert`) to OUT/weights/.
 */
import { copyFileSync, cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { main as netc } from '../../cli/main.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../..');
const wasmDist = join(repo, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');

/** The sizes of what `buildExample` wrote, in bytes. */
export interface BuiltExample {
  readonly mainBytes: number;
  readonly workerBytes: number;
  readonly wasmBytes: Readonly<Record<string, number>>;
}

/** Builds the example into `out` (see the module comment). */
export async function buildExample(out: string, weights: string): Promise<BuiltExample> {
  const src = join(out, 'src');
  mkdirSync(src, { recursive: true });
  for (const f of ['main.ts', 'worker.ts', 'protocol.ts'])
    copyFileSync(join(here, f), join(src, f));
  const messages: string[] = [];
  const io = {
    out: (t: string) => void messages.push(t),
    err: (t: string) => void messages.push(t),
    color: false,
  };
  const sample = join(repo, 'samples/mlp_mnist.net');
  const code = await netc(['compile', sample, '-o', join(src, 'model.ts')], io);
  if (code !== 0) throw new Error(`netc compile failed: ${messages.join('\n')}`);
  await esbuild.build({
    entryPoints: [join(src, 'main.ts'), join(src, 'worker.ts')],
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    nodePaths: [join(repo, 'node_modules')],
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
  mkdirSync(join(out, 'wasm'), { recursive: true });
  const wasmBytes: Record<string, number> = {};
  for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) {
    copyFileSync(join(wasmDist, f), join(out, 'wasm', f));
    wasmBytes[f] = statSync(join(wasmDist, f)).size;
  }
  cpSync(weights, join(out, 'weights'), { recursive: true });
  return {
    mainBytes: statSync(join(out, 'main.js')).size,
    workerBytes: statSync(join(out, 'worker.js')).size,
    wasmBytes,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, weights] = process.argv.slice(2);
  if (!out || !weights) {
    console.error('usage: npx tsx examples/browser/build.ts OUT WEIGHTS_FOLDER');
    process.exit(2);
  }
  const built = await buildExample(out, weights);
  console.log(JSON.stringify(built, null, 2));
}
