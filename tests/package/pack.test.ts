/**
 * The package as users get it: `npm pack` ships only what its `files` list names, and the
 * tarball installed into an empty project works there: `import { loadModel } from 'netc'` with no
 * options, `netc/compiler` without TensorFlow.js, and the `netc` command on a shipped sample.
 * Dependencies come from npm's cache when `npm ci` filled it (--prefer-offline).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'netc-pack-'));
const app = join(work, 'app');
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let files: string[] = [];

beforeAll(() => {
  const out = npm(['pack', '--json', '--pack-destination', work], repo);
  const report = JSON.parse(out.slice(out.indexOf('['))) as { files: { path: string }[] }[];
  files = report[0].files.map((f) => f.path);
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], app);
}, 600_000);

// The installed project holds tfjs and its dependencies: removing it takes a while on a busy machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

describe('npm pack', () => {
  it('ships the built code, the samples, the standard library and the docs, and nothing else', () => {
    const top = new Set(files.map((f) => f.split('/')[0]));
    expect([...top].sort()).toEqual(
      ['README.md', 'bin', 'dist', 'docs', 'package.json', 'samples', 'stdlib'].sort(),
    );
    expect(files.filter((f) => f.startsWith('dist/') && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
    expect(files).toContain('dist/api/index.js');
    expect(files).toContain('dist/api/compiler.d.ts');
    expect(files).toContain('stdlib/resnet.net');
  });

  it('installs into an empty project, where loadModel works with no options', () => {
    const script = `
      import { loadModel } from 'netc';
      const m = await loadModel('node_modules/netc/samples/mlp_mnist.net');
      console.log(m.countParams());`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('669706');
  });

  it('netc/compiler checks a file there without loading TensorFlow.js', () => {
    const script = `
      import { checkFile } from 'netc/compiler';
      const r = checkFile('node_modules/netc/samples/resnet50.net');
      console.log(r.ok, '_tfengine' in globalThis);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('true false');
  });

  it("netc's declarations type-check under strict without skipLibCheck: the only errors are tfjs 4.22's own", () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      [
        "import { loadModel, saveWeights } from 'netc';",
        "import { checkFile, formatSource, generateModule, Source } from 'netc/compiler';",
        "const r = checkFile('m.net');",
        "const f = formatSource(new Source('m.net', 'model m(x: [2]) { return x }'));",
        "const m = await loadModel('m.net');",
        "await saveWeights(m, r.graphs[0], 'w.safetensors');",
        'console.log(f.ok, typeof generateModule);',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [join(repo, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    let out = '';
    try {
      out = execFileSync(join(repo, 'node_modules/.bin/tsc'), ['-p', '.'], {
        cwd: app,
        encoding: 'utf8',
      });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
    const files = new Set(errors.map((l) => l.slice(0, l.indexOf('('))));
    expect([...files].filter((f) => !f.startsWith('node_modules/@tensorflow/'))).toEqual([]);
  });

  it('the netc command runs there', () => {
    const out = execFileSync(
      join(app, 'node_modules/.bin/netc'),
      ['summary', 'node_modules/netc/samples/mlp_mnist.net'],
      { cwd: app, encoding: 'utf8' },
    );
    expect(out).toContain('Total params:                669,706');
  });
});
