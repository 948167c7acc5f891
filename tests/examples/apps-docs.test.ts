/**
 * docs/apps.md, run: every code block is marked (`<!-- run -->` for shell lines,
 * `<!-- file: NAME.ts -->` for TypeScript). In a scratch folder holding samples/mlp_mnist.net,
 * the TypeScript files are written, the shell lines run in document order (`netc` in-process,
 * `npx esbuild` and `npx tsx` as processes) and must succeed, the files type-check with the
 * compiled module (tsc --strict), the Node app's predictions equal `netc run`'s with the same
 * weights (1e-5), and the browser bundle that never calls `loadSafetensorsWeights` does not
 * contain the safetensors reader. Logs the bundle sizes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { netc, readArray, writeArray } from '../cli/helpers.js';
import { repo, scratchDir, typecheck } from '../codegen/helpers.js';
import { maxDiff } from '../runtime/helpers.js';

const doc = readFileSync(join(repo, 'docs/apps.md'), 'utf8');
const dir = scratchDir();

interface Block {
  readonly marker: string;
  readonly lang: string;
  readonly text: string;
}

/** The fenced blocks, each with the HTML comment on the line before it (or ''). */
function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const re = /(?:<!-- (.+?) -->\n\n)?```(\w*)\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(re)) out.push({ marker: m[1] ?? '', lang: m[2], text: m[3] });
  return out;
}

const all = blocks(doc);
const files = all.filter((b) => b.marker.startsWith('file: '));
const tsFiles = files.map((b) => b.marker.slice('file: '.length));
const outputs = new Map<string, string>();

/** Runs one shell line of the doc in `dir`. */
async function runLine(line: string): Promise<void> {
  const [command, ...args] = line.split(/\s+/);
  if (command === 'netc') {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await netc(args);
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    return;
  }
  expect(command, line).toBe('npx');
  const [tool, ...rest] = args;
  const run =
    tool === 'esbuild'
      ? spawnSync(join(repo, 'node_modules/.bin/esbuild'), rest, { cwd: dir, encoding: 'utf8' })
      : tool === 'tsx'
        ? spawnSync(process.execPath, ['--import', 'tsx', ...rest], { cwd: dir, encoding: 'utf8' })
        : undefined;
  expect(run, `unknown tool in: ${line}`).toBeDefined();
  expect(run!.status, `${line}\n${run!.stderr}`).toBe(0);
  outputs.set(line, run!.stdout);
}

beforeAll(async () => {
  copyFileSync(join(repo, 'samples/mlp_mnist.net'), join(dir, 'mlp_mnist.net'));
  for (const b of files) {
    const name = b.marker.slice('file: '.length);
    // A Node project has @types/node; the helper's program has no default types.
    const prefix = name.startsWith('node-') ? '/// <reference types="node" />\n' : '';
    writeFileSync(join(dir, name), prefix + b.text);
  }
  for (const b of all.filter((b) => b.marker === 'run')) {
    for (const line of b.text.split('\n').filter((l) => l.trim() !== '')) await runLine(line);
  }
}, 300_000);

describe('docs/apps.md', () => {
  it('marks every code block: shell lines to run, TypeScript files to check', () => {
    const fences = doc.match(/^```\w*$/gm)!.length / 2;
    expect(all).toHaveLength(fences);
    for (const b of all) {
      if (b.marker === 'run') expect(b.lang).toBe('sh');
      else {
        expect(b.marker).toMatch(/^file: [\w-]+\.ts$/);
        expect(b.lang).toBe('ts');
      }
    }
    expect(tsFiles).toEqual(expect.arrayContaining(['node-app.ts', 'app.ts', 'page.ts']));
  });

  it('its TypeScript type-checks with the compiled module (tsc --strict, no unused locals)', () => {
    expect(typecheck([...tsFiles, 'model.ts'].map((f) => join(dir, f)))).toEqual([]);
  });

  it('the Node app predicts what netc run does with the same weights', async () => {
    const printed = outputs.get('npx tsx node-app.ts');
    expect(printed).toBeDefined();
    const got = JSON.parse(printed!.trim()) as number[];
    const x = await writeArray(dir, 'half.npy', [1, 784], new Array(784).fill(0.5));
    const y = join(dir, 'half-out.npy');
    const r = await netc([
      'run',
      join(dir, 'mlp_mnist.net'),
      '--weights',
      join(dir, 'w.safetensors'),
      '--input',
      x,
      '--output',
      y,
      '--no-optimize',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(maxDiff(got, (await readArray(y)).data)).toBeLessThan(1e-5);
  });

  it('a bundle that only fetches tfjs folders leaves the safetensors reader out', () => {
    const app = readFileSync(join(dir, 'dist/app.js'));
    const model = readFileSync(join(dir, 'model.ts'), 'utf8');
    expect(model).toContain('are read (as float32)');
    expect(app.toString()).toContain('has no weightsManifest list');
    expect(app.toString()).not.toContain('are read (as float32)');
    const size = (f: string) => {
      const bytes = readFileSync(join(dir, f));
      return `${f} ${bytes.length} B (gzip ${gzipSync(bytes).length} B)`;
    };
    console.log(
      `docs/apps.md bundles: ${['dist/app.js', 'dist/inference-worker.js', 'dist/page.js', 'dist/wasm-backend.js'].map(size).join('; ')}`,
    );
  });
});
