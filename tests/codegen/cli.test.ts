/**
 * `netc compile`, driven through `main(argv, io)`: where modules go, `-o`, files with several
 * models, `--check`, and that a failed compile writes nothing (exit 1 with diagnostics; 2 for
 * usage and I/O errors).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { generateModule } from '../../codegen/index.js';
import { optimizeForInference } from '../../compiler/passes/index.js';
import { fixturesDir, graphOf, samplesDir } from './helpers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function netc(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    color: false,
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const root = mkdtempSync(join(tmpdir(), 'netc-compile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh folder holding the given files (copied from samples/ or fixtures, or written). */
function folder(files: Record<string, string>): string {
  const dir = join(root, `case${n++}`);
  mkdirSync(dir);
  for (const [name, from] of Object.entries(files)) {
    if (from.endsWith('.net') && existsSync(from)) copyFileSync(from, join(dir, name));
    else writeFileSync(join(dir, name), from);
  }
  return dir;
}
const lenet = join(samplesDir, 'lenet_bn.net');
const layers = join(fixturesDir, 'layers.net');
const broken = 'model bad(x: [8]) {\n  return x |> dense(4) |> conv2d(3, 3)\n}\n';

describe('netc compile', () => {
  it('writes x.ts next to x.net: the generated module', async () => {
    const dir = folder({ 'lenet_bn.net': lenet });
    const r = await netc('compile', join(dir, 'lenet_bn.net'));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`wrote ${join(dir, 'lenet_bn.ts')}`);
    const want = await generateModule(graphOf(lenet), { sourcePath: lenet });
    expect(readFileSync(join(dir, 'lenet_bn.ts'), 'utf8')).toBe(want);
    expect(readdirSync(dir).sort()).toEqual(['lenet_bn.net', 'lenet_bn.ts']);
  });

  it('--optimize generates the module of the inference-optimized graph', async () => {
    const dir = folder({ 'lenet_bn.net': lenet });
    const r = await netc('compile', join(dir, 'lenet_bn.net'), '--optimize');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const optimized = optimizeForInference(graphOf(lenet)).graph;
    const want = await generateModule(optimized, {
      sourcePath: lenet,
      sourceGraph: graphOf(lenet),
    });
    const text = readFileSync(join(dir, 'lenet_bn.ts'), 'utf8');
    expect(text).toBe(want);
    // The four batch norms are folded into the conv and dense layers before them.
    expect(text).not.toContain('batchNormalization');
    expect(await generateModule(graphOf(lenet), { sourcePath: lenet })).toContain(
      'batchNormalization',
    );
  });

  it('writes to -o OUT.ts instead', async () => {
    const dir = folder({ 'lenet_bn.net': lenet });
    const out = join(dir, 'gen', '..', 'model.ts');
    const r = await netc('compile', join(dir, 'lenet_bn.net'), '-o', out);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['lenet_bn.net', 'model.ts']);
  });

  it('gives each model of a file its own module x.<model>.ts; --model picks one', async () => {
    const dir = folder({ 'layers.net': layers });
    expect((await netc('compile', join(dir, 'layers.net'), '--model', 'small')).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['layers.net', 'layers.small.ts']);
    expect((await netc('compile', join(dir, 'layers.net'))).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'layers.every_layer.ts',
      'layers.net',
      'layers.small.ts',
    ]);
    expect(readFileSync(join(dir, 'layers.small.ts'), 'utf8')).toContain(
      "export const modelInfo = { name: 'small',",
    );
  });

  it('--check: 0 when up to date, 1 listing modules that differ or are missing; writes nothing', async () => {
    const dir = folder({ 'lenet_bn.net': lenet, 'layers.net': layers });
    const files = [join(dir, 'lenet_bn.net'), join(dir, 'layers.net')];
    let r = await netc('compile', '--check', ...files);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').sort()).toEqual(
      ['layers.every_layer.ts', 'layers.small.ts', 'lenet_bn.ts'].map(
        (f) => `${join(dir, f)}: missing`,
      ),
    );
    expect(r.stderr).toContain('3 of 3 generated modules need regenerating');
    expect(readdirSync(dir).sort()).toEqual(['layers.net', 'lenet_bn.net']);

    expect((await netc('compile', ...files)).code).toBe(0);
    r = await netc('compile', '--check', ...files);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });

    writeFileSync(join(dir, 'layers.small.ts'), '// edited by hand\n');
    r = await netc('compile', '--check', ...files);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${join(dir, 'layers.small.ts')}: out of date`);
    expect(readFileSync(join(dir, 'layers.small.ts'), 'utf8')).toBe('// edited by hand\n');
  });

  it('--check follows -o', async () => {
    const dir = folder({ 'lenet_bn.net': lenet });
    const out = join(dir, 'elsewhere.ts');
    expect((await netc('compile', join(dir, 'lenet_bn.net'), '-o', out)).code).toBe(0);
    expect((await netc('compile', '--check', join(dir, 'lenet_bn.net'), '-o', out)).code).toBe(0);
    expect((await netc('compile', '--check', join(dir, 'lenet_bn.net'))).code).toBe(1);
  });

  it('exits 1 with the diagnostics of netc check, and writes nothing, on compile errors', async () => {
    const dir = folder({ 'lenet_bn.net': lenet, 'bad.net': broken, 'bad.ts': 'old\n' });
    const r = await netc('compile', join(dir, 'lenet_bn.net'), join(dir, 'bad.net'));
    const check = await netc('check', join(dir, 'bad.net'));
    expect(r.code).toBe(1);
    expect(check.code).toBe(1);
    expect(r.stdout).toBe(check.stdout);
    expect(r.stdout).toMatch(/error\[E\d{4}\]/);
    expect(r.stderr).toBe('1 error, 0 warnings in 2 files');
    // Not even the file that compiled; the old module stays; no temporary files.
    expect(readdirSync(dir).sort()).toEqual(['bad.net', 'bad.ts', 'lenet_bn.net']);
    expect(readFileSync(join(dir, 'bad.ts'), 'utf8')).toBe('old\n');
    expect((await netc('compile', '--check', join(dir, 'bad.net'))).code).toBe(1);
  });

  it('exits 1 for an unknown --model (E1009)', async () => {
    const dir = folder({ 'layers.net': layers });
    const r = await netc('compile', join(dir, 'layers.net'), '--model', 'nope');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("no model named 'nope' (models here: every_layer, small)");
    expect(readdirSync(dir)).toEqual(['layers.net']);
  });

  it.each([
    ['no FILE', [], /needs at least one FILE/],
    ['-o with two files', ['a.net', 'b.net', '-o', 'x.ts'], /-o OUT.ts takes exactly one FILE/],
    ['an unknown option', ['a.net', '--fast'], /netc: error: unknown option '--fast'/],
  ])('exits 2 for usage errors: %s', async (_what, args, message) => {
    const r = await netc('compile', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: netc compile');
  });

  it('exits 2 for I/O and usage problems found on the way, writing nothing', async () => {
    const dir = folder({
      'layers.net': layers,
      'lib.net': 'block b(x) {\n  return x\n}\n',
      'lenet_bn.net': lenet,
    });
    const cases: [string[], RegExp][] = [
      [[join(dir, 'missing.net')], /cannot read .*missing\.net: no such file/],
      [[join(dir, 'lenet_bn.net'), join(dir, 'missing.net')], /no such file/],
      [[join(dir, 'lib.net')], /lib\.net defines no model/],
      [
        [join(dir, 'layers.net'), '-o', join(dir, 'x.ts')],
        /defines several models \(every_layer, small\): pick one with --model NAME/,
      ],
      [[join(dir, 'lenet_bn.net'), '-o', join(dir, 'lenet_bn.net')], /would overwrite its source/],
      [
        [join(dir, 'lenet_bn.net'), '-o', join(dir, 'no', 'such', 'dir.ts')],
        /cannot write .*dir\.ts/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await netc('compile', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readdirSync(dir).sort()).toEqual(['layers.net', 'lenet_bn.net', 'lib.net']);
  });

  it('has help, and is listed by netc --help', async () => {
    expect((await netc('compile', '--help')).stdout).toContain('usage: netc compile FILE...');
    expect((await netc('--help')).stdout).toMatch(/^ {2}compile FILE\.\.\. /m);
  });
});
