/**
 * examples/browser end to end: compiles samples/mlp_mnist.net, bundles the app with esbuild
 * (examples/browser/build.ts), serves it on 127.0.0.1 (node:http) and runs it in headless
 * Chromium (Debian's /usr/bin/chromium, driven by playwright-core) on the webgl and the wasm
 * backend: in its web worker, the compiled module fetches the tfjs weights folder netc wrote and
 * predicts what `netc run` predicts with the same weights, within 1e-5. Logs the predict times
 * the page prints and the bundle size. Skips, with one line, where /usr/bin/chromium is absent.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample, type BuiltExample } from '../../examples/browser/build.js';
import { netc, pseudoRandom, readArray, writeArray } from '../cli/helpers.js';
import { scratchDir, typecheck } from '../codegen/helpers.js';
import { maxDiff } from '../runtime/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`browser test skipped: ${CHROMIUM} is absent`);

const sample = join(import.meta.dirname, '../../samples/mlp_mnist.net');
const BATCH = 4;
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** A static server for `root` on 127.0.0.1 (an ephemeral port). */
async function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface PageResult {
  ok: boolean;
  error?: string;
  backend: string;
  output: number[];
  shape: number[];
  firstMs: number;
  timesMs: number[];
}

describe.skipIf(!available)('examples/browser in headless Chromium', () => {
  // Inside the repository (gitignored), so the sources resolve @tensorflow/tfjs for tsc.
  const dir = scratchDir();
  let built: BuiltExample;
  let want: number[];
  let browser: Browser;
  let site: { server: Server; url: string };

  beforeAll(async () => {
    const weights = join(dir, 'weights');
    const init = await netc(['init', sample, '--seed', '7', '--save', weights]);
    expect(init.code, init.stderr).toBe(0);
    const input = Float32Array.from(pseudoRandom(BATCH * 784, 9), (v) => (v + 1) / 2);
    const x = await writeArray(dir, 'x.npy', [BATCH, 784], input);
    const run = await netc([
      'run',
      sample,
      '--weights',
      weights,
      '--input',
      x,
      '--output',
      join(dir, 'y.npy'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    want = (await readArray(join(dir, 'y.npy'))).data;
    const out = join(dir, 'site');
    built = await buildExample(out, weights);
    writeFileSync(join(out, 'input.bin'), new Uint8Array(input.buffer));
    site = await serve(out);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    site?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('its sources type-check with the compiled module (tsc --strict, no unused locals)', () => {
    const src = join(dir, 'site', 'src');
    const files = ['main.ts', 'worker.ts', 'protocol.ts', 'model.ts'].map((f) => join(src, f));
    expect(typecheck(files)).toEqual([]);
  });

  it.each(['webgl', 'wasm'])(
    'predicts what netc run does, on %s (1e-5)',
    async (backend) => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto(`${site.url}/?backend=${backend}`);
        await page.waitForFunction(() => 'netcResult' in window, undefined, { timeout: 120_000 });
        const r = (await page.evaluate(
          () => (window as unknown as { netcResult: unknown }).netcResult,
        )) as PageResult;
        expect(r.error ?? '', errors.join('\n')).toBe('');
        expect(r.backend).toBe(backend);
        expect(r.shape).toEqual([BATCH, 10]);
        expect(maxDiff(r.output, want)).toBeLessThan(1e-5);
        const text = await page.textContent('#out');
        console.log(
          `examples/browser on ${backend}: ${text?.split('\n')[1]}; bundle main.js ${built.mainBytes} B + worker.js ${built.workerBytes} B (minified)`,
        );
      } finally {
        await page.close();
      }
    },
    180_000,
  );
});
