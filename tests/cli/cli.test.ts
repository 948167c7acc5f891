/**
 * The command line, driven through `main(argv, io)` with a capturing `io`: exit codes, the
 * text / json / github diagnostic formats, and `summary --json` / `--depth`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { checkSource } from '../../compiler/compile.js';
import { packageRoot } from '../../compiler/package-root.js';
import { Source } from '../../compiler/source.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const samplePath = (file: string): string => join(packageRoot(), 'samples', file);

async function netc(args: string[], color = false): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    color,
  });
  // Each call is one line (or block of lines) on the terminal.
  const lines = (chunks: string[]) => chunks.map((c) => (c.endsWith('\n') ? c : `${c}\n`)).join('');
  return { code, stdout: lines(out), stderr: lines(err) };
}

const dir = mkdtempSync(join(tmpdir(), 'netc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const CLEAN = `model clean(x: [8]) {
  return x |> dense(4) |> relu
}
`;

/** One error: 'conv2dd' is unknown, on line 3 at column 16. */
const ONE_ERROR = `model one(image: [8, 8, 3]) {
  y = image |> conv2d(4, 3)
  z = image |> conv2dd(4, 3)
  return y + z
}
`;

/** Many independent errors in one file (the b.net example). */
const MANY_ERRORS = readFileSync(join(packageRoot(), 'tests/fixtures/sources/errors.net'), 'utf8');

/** A block called three times, and a grouped convolution (groups 32) at the top level. */
const FOLDED = `block unit(x, filters) {
  y = x |> conv2d(filters, 3, padding: "same", bias: false) |> batch_norm |> relu
  return y |> conv2d(filters, 1)
}

model folded(image: [32, 32, 64]) {
  x = image |> conv2d(64, 3, padding: "same", groups: 32)
  for i in range(3) {
    x = unit(x, 64)
  }
  return x |> global_avg_pool2d |> dense(10)
}
`;

const TWO_MODELS = `model first(x: [4]) {
  return x |> dense(2)
}
model second(x: [?, 16]) {
  return x |> dense(3)
}
`;

const cleanPath = file('clean.net', CLEAN);
const onePath = file('one.net', ONE_ERROR);
const manyPath = file('many.net', MANY_ERRORS);
const foldedPath = file('folded.net', FOLDED);
const twoPath = file('two.net', TWO_MODELS);
const missingPath = join(dir, 'does-not-exist.net');

describe('netc check: exit status', () => {
  it('0 on a clean file', async () => {
    const r = await netc(['check', cleanPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('0 errors, 0 warnings in 1 file\n');
  });

  it('0 with warnings only', async () => {
    const path = file('warn.net', 'model w(x: [4]) {\n  unused = 1\n  return x\n}\n');
    const r = await netc(['check', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${path}:2:3: warning[W0001]:`);
    expect(r.stderr).toBe('0 errors, 1 warning in 1 file\n');
  });

  it('1 on errors', async () => {
    expect((await netc(['check', onePath])).code).toBe(1);
    expect((await netc(['check', cleanPath, onePath])).code).toBe(1);
  });

  it('2 on a missing file, after checking the other files', async () => {
    const r = await netc(['check', missingPath, onePath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read ${missingPath}: no such file`);
    expect(r.stdout).toContain(`${onePath}:3:16: error[E1002]`);
  });

  it('2 on a directory', async () => {
    const r = await netc(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `netc: cannot read ${dir}: is a folder\n0 errors, 0 warnings in 0 files\n`,
    );
  });

  it('2 on an unknown option, with the usage', async () => {
    const r = await netc(['check', '--bogus', cleanPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
    expect(r.stderr).toContain('usage: netc check');
  });

  it('2 on an unknown --format', async () => {
    const r = await netc(['check', '--format', 'xml', cleanPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "netc: error: --format must be one of text, json, github, found 'xml'",
    );
  });

  it('2 with no files', async () => {
    const r = await netc(['check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs at least one FILE');
  });

  it('1 with an unknown --model (E1009)', async () => {
    const r = await netc(['check', '--model', 'nope', cleanPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${cleanPath}:1:1: error[E1009]: no model named 'nope' (models here: clean)`,
    );
  });
});

describe('netc check: text format', () => {
  it('file:line:col: error[CODE]: message, then the source line and a caret line', async () => {
    const r = await netc(['check', onePath]);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${onePath}:3:16: error[E1002]: unknown op or block 'conv2dd'`);
    expect(lines[1]).toBe('3 |   z = image |> conv2dd(4, 3)');
    expect(lines[2]).toBe(`  | ${' '.repeat(15)}${'^'.repeat('conv2dd'.length)}`);
    // The carets sit under the name, at column 16 of the source line.
    expect(lines[2].indexOf('^') - '  | '.length + 1).toBe(16);
    expect(lines[3]).toBe("  = note: did you mean 'conv2d'?");
    expect(r.stderr).toBe('1 error, 0 warnings in 1 file\n');
  });

  it('no ANSI escapes without color; escapes with color', async () => {
    expect((await netc(['check', onePath])).stdout).not.toContain('\x1b[');
    const colored = await netc(['check', onePath], true);
    expect(colored.stdout).toContain('\x1b[31;1merror[E1002]\x1b[0m');
  });

  it('prints every error of a multi-error file in one run, sorted by position', async () => {
    const r = await netc(['check', manyPath]);
    expect(r.code).toBe(1);
    const expected = checkSource(new Source(manyPath, MANY_ERRORS)).diagnostics;
    const errors = expected.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(8);
    const headers = r.stdout.split('\n').filter((l) => l.startsWith(`${manyPath}:`));
    expect(headers).toHaveLength(expected.length);
    const printed = headers.map((h) => /: (error|warning)\[(E\d{4}|W\d{4})\]:/.exec(h)![2]);
    expect(printed).toEqual(expected.map((d) => d.code));
    for (const code of ['E3002', 'E1002', 'E1003', 'E1004', 'E2004', 'E1001', 'E4002'])
      expect(printed).toContain(code);
    const positions = headers.map((h) =>
      h
        .slice(manyPath.length + 1)
        .split(':')
        .slice(0, 2)
        .map(Number),
    );
    const sorted = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(positions).toEqual(sorted);
    expect(r.stderr).toBe(
      `${errors.length} errors, ${expected.length - errors.length} warnings in 1 file\n`,
    );
  });

  it('counts errors over several files', async () => {
    const r = await netc(['check', onePath, cleanPath, manyPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\d+ errors, \d+ warnings in 3 files\n$/);
  });
});

describe('netc check --format json', () => {
  it('is one JSON array with file, line, column, code, severity and message', async () => {
    const r = await netc(['check', '--format', 'json', manyPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(''); // no count line: stdout is machine-readable only
    const parsed = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed.length).toBeGreaterThanOrEqual(8);
    for (const d of parsed) {
      expect(d).toMatchObject({
        file: manyPath,
        line: expect.any(Number),
        column: expect.any(Number),
        code: expect.stringMatching(/^[EW]\d{4}$/),
        severity: expect.stringMatching(/^(error|warning)$/),
        message: expect.any(String),
      });
    }
    const conv2dd = parsed.find((d) => d.code === 'E1002');
    expect(conv2dd).toMatchObject({
      line: 11,
      column: 16,
      severity: 'error',
      message: "unknown op or block 'conv2dd'",
    });
  });

  it('is an empty array for a clean file', async () => {
    const r = await netc(['check', '--format=json', cleanPath]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

describe('netc check --format github', () => {
  it('prints ::error workflow commands with file, line and col', async () => {
    const r = await netc(['check', '--format', 'github', onePath]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const escaped = onePath.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/,/g, '%2C');
    expect(lines[0].startsWith(`::error file=${escaped},line=3,col=16,`)).toBe(true);
    expect(lines[0]).toContain('title=E1002::');
    expect(lines[0]).toContain("unknown op or block 'conv2dd'%0Anote: did you mean 'conv2d'?");
  });

  it('escapes commas, colons and percent signs in file names', async () => {
    const path = file('odd,name:100%.net', ONE_ERROR);
    const r = await netc(['check', '--format', 'github', path]);
    const line = r.stdout.split('\n')[0];
    expect(line).toMatch(/^::error file=/);
    expect(line).toContain('odd%2Cname%3A100%25.net,line=3,col=16,');
    const fileProp = /^::error file=([^,]*),/.exec(line)![1];
    expect(fileProp).not.toMatch(/[,:]/);
  });

  it('one line per diagnostic, warnings as ::warning', async () => {
    const r = await netc(['check', '--format', 'github', manyPath]);
    const lines = r.stdout.trimEnd().split('\n');
    const expected = checkSource(new Source(manyPath, MANY_ERRORS)).diagnostics;
    expect(lines).toHaveLength(expected.length);
    for (const l of lines)
      expect(l).toMatch(/^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[EW]\d{4}::/);
  });
});

describe('netc summary', () => {
  it('--json has the documented top-level keys, with null batch dims', async () => {
    const r = await netc(['summary', foldedPath, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown> & {
      inputs: { name: string; shape: unknown[] }[];
      outputs: { name: string; shape: unknown[] }[];
      layers: { name: string; op: string; outputShape: unknown[]; params: number }[];
    };
    for (const key of [
      'model',
      'inputs',
      'outputs',
      'layers',
      'totalParams',
      'trainableParams',
      'nonTrainableParams',
      'macs',
    ]) {
      expect(Object.keys(s)).toContain(key);
    }
    expect(s.model).toBe('folded');
    expect(s.inputs).toEqual([{ name: 'image', shape: [null, 32, 32, 64] }]);
    expect(s.outputs).toEqual([{ name: 'output_0', shape: [null, 10] }]);
    for (const l of s.layers) expect(l.outputShape[0]).toBeNull();
    expect(s.totalParams).toBe((s.trainableParams as number) + (s.nonTrainableParams as number));
    expect(s.layers.reduce((n, l) => n + l.params, 0)).toBe(s.totalParams);
    expect(typeof s.macs).toBe('number');
    // Without --depth every primitive op is a row: 2 top-level layers + 3 x 4 ops + 2.
    expect(s.layers.map((l) => l.op).filter((op) => op === 'batch_norm')).toHaveLength(3);
  });

  it('--json reports null for unknown dims beyond the batch', async () => {
    const r = await netc(['summary', twoPath, '--model', 'second', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { inputs: { shape: unknown[] }[]; macs: unknown };
    expect(s.inputs[0].shape).toEqual([null, null, 16]);
  });

  it('--depth 1 folds each block instance into one row; a grouped conv stays one row', async () => {
    const r = await netc(['summary', foldedPath, '--depth', '1', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      layers: { name: string; op: string; params: number }[];
      totalParams: number;
    };
    expect(s.layers.map((l) => [l.name, l.op])).toEqual([
      ['image', 'input'],
      ['conv2d_0', 'conv2d'],
      ['unit_0', 'block:unit'],
      ['unit_1', 'block:unit'],
      ['unit_2', 'block:unit'],
      ['global_avg_pool2d_0', 'global_avg_pool2d'],
      ['dense_0', 'dense'],
    ]);
    // Grouped 3x3 conv, 64 -> 64 channels in 32 groups: 3*3*(64/32)*64 weights + 64 biases.
    expect(s.layers[1].params).toBe(3 * 3 * 2 * 64 + 64);
    const full = JSON.parse((await netc(['summary', foldedPath, '--json'])).stdout) as {
      totalParams: number;
    };
    expect(s.totalParams).toBe(full.totalParams);
  });

  it('--depth 1 text table shows the block rows with their op counts', async () => {
    const r = await netc(['summary', foldedPath, '--depth', '1']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^unit_\d/.test(l));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toContain('block:unit (4 ops)');
    expect(r.stdout).not.toMatch(/^unit_0\.conv2d/m);
    expect(r.stdout).toContain('Total params:');
  });

  it('1 when the file has errors (diagnostics printed)', async () => {
    const r = await netc(['summary', onePath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${onePath}:3:16: error[E1002]`);
  });

  it('2 for several models without --model; 0 when one is chosen', async () => {
    const r = await netc(['summary', twoPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('choose one with --model NAME');
    expect((await netc(['summary', twoPath, '--model', 'first'])).code).toBe(0);
  });

  it('without --depth prints one text row per layer, then the totals (a sample)', async () => {
    const r = await netc(['summary', samplePath('mlp_mnist.net')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Total params:                669,706');
    // 784-512-512-10 with two dropouts: input + 3 dense + 2 dropout rows.
    const rows = r.stdout.split('\n').filter((l) => /^\S+\s+(input|dense|dropout)\s/.test(l));
    expect(rows).toHaveLength(6);
  });

  it('--json gives null MACs for a sample whose input dims are unknown', async () => {
    const r = await netc(['summary', samplePath('irv2_finetune.net'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { inputs: unknown; totalParams: number; macs: unknown };
    expect(s.inputs).toEqual([{ name: 'image', shape: [null, null, null, 3] }]);
    expect(s.totalParams).toBe(55_920_874);
    expect(s.macs).toBeNull();
  });

  it('2 for a bad --depth, a missing file, or no file', async () => {
    const zero = await netc(['summary', foldedPath, '--depth', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--depth must be an integer >= 1, found '0'");
    expect((await netc(['summary', foldedPath, '--depth', 'x'])).code).toBe(2);
    expect((await netc(['summary', missingPath])).code).toBe(2);
    expect((await netc(['summary'])).code).toBe(2);
    expect((await netc(['summary', foldedPath, cleanPath])).code).toBe(2);
  });
});

describe('netc: commands and help', () => {
  it('an unknown command is exit 2 with the usage on stderr', async () => {
    const r = await netc(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain('usage: netc <command>');
  });

  it('--help, -h and help are exit 0 with the usage on stdout', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await netc([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('usage: netc <command>');
    }
  });

  it('no arguments: the usage, exit 2', async () => {
    const r = await netc([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('usage: netc <command>');
  });

  it("a command's --help is exit 0 with its usage", async () => {
    for (const command of ['check', 'summary', 'fmt']) {
      const r = await netc([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`usage: netc ${command}`);
    }
  });
});

describe('netc check on hostile files', () => {
  it('binary junk and a deeply nested file are exit 1 with located errors, never an internal error', async () => {
    const junk = join(dir, 'junk.net');
    writeFileSync(
      junk,
      Buffer.from([0, 0xff, 0xfe, 0x28, 0x28, 0x7b, 0x22, 0x0a, 0x1b, 0x5b, 0x32, 0x4a]),
    );
    const deep = file(
      'deep.net',
      `model m(x: [4]) {\n  y = ${'('.repeat(10_000)}x${')'.repeat(10_000)}\n  return y\n}\n`,
    );
    for (const path of [junk, deep]) {
      for (const format of ['text', 'json', 'github']) {
        const r = await netc(['check', '--format', format, path]);
        expect(r.code).toBe(1);
        expect(r.stderr).not.toContain('internal compiler error');
      }
    }
    const text = (await netc(['check', junk])).stdout;
    expect(text.split('\n')[0]).toMatch(
      new RegExp(`^${junk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: error\\[E0001\\]`),
    );
    expect(text).not.toContain('\x1b'); // the ESC in the file is not echoed to the terminal
  });
});
