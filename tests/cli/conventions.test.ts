/**
 * What a user expects of a command line, each checked: --version / -V, -h / --help everywhere,
 * '-' for standard input, one-line usage errors with a hint and a suggestion, one-line I/O
 * errors, a closed pipe (EPIPE) and a full disk (ENOSPC) on stdout, and colour rules. Some
 * tests start real processes (`node --import tsx tests/cli/netc-process.ts`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { colorEnabled } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { packageRoot } from '../../compiler/package-root.js';

const root = packageRoot();
const version = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
).version;

async function netc(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    color: false,
  });
  const lines = (chunks: string[]) => chunks.map((c) => (c.endsWith('\n') ? c : `${c}\n`)).join('');
  return { code, stdout: lines(out), stderr: lines(err) };
}

const dir = mkdtempSync(join(tmpdir(), 'netc-conv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const ONE_ERROR = `model one(image: [8, 8, 3]) {
  y = image |> conv2d(4, 3)
  z = image |> conv2dd(4, 3)
  return y + z
}
`;
const onePath = write('one.net', ONE_ERROR);
const cleanPath = write('clean.net', 'model clean(x: [8]) {\n  return x |> dense(4) |> relu\n}\n');

const loader = join(root, 'node_modules/tsx/dist/loader.mjs');
const entry = join(root, 'tests/cli/netc-process.ts');
/** The netc command line for a shell. */
const netcShell = `'${process.execPath}' --import '${loader}' '${entry}'`;

/** `netc ARGS` as a process; `input` on its stdin. */
function spawnNetc(
  args: string[],
  o: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const r = spawnSync(process.execPath, ['--import', loader, entry, ...args], {
    input: o.input ?? '',
    cwd: o.cwd ?? root,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: undefined, ...o.env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A shell pipeline; returns its stdout and stderr. */
function shell(script: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('/bin/bash', ['-c', script], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: undefined, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const COMMANDS = ['check', 'summary', 'fmt', 'compile', 'run', 'train', 'init', 'demo'];

describe('--version and --help', () => {
  it('netc --version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      expect(await netc([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('-h and --help on every command and at top level: exit 0, the usage on stdout', async () => {
    for (const flag of ['-h', '--help']) {
      const top = await netc([flag]);
      expect(top.code).toBe(0);
      expect(top.stdout).toMatch(/^usage: netc <command> \[options\]\n/);
      for (const c of COMMANDS) {
        expect(top.stdout).toMatch(new RegExp(`^ {2}${c}( FILE(\\.\\.\\.)?)? `, 'm'));
        const r = await netc([c, flag]);
        expect(r.code, `${c} ${flag}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^usage: netc ${c} `));
        expect(r.stderr).toBe('');
      }
    }
    expect((await netc(['help', 'run'])).stdout).toBe((await netc(['run', '--help'])).stdout);
  });

  it('the top-level usage is generated from the commands: it knows --target onnx and ONNX Runtime', async () => {
    const top = (await netc(['--help'])).stdout;
    expect(top).toContain('--target onnx');
    expect(top).toContain('ONNX Runtime');
    expect((await netc(['run', '--help'])).stdout).toMatch(/--engine tfjs\|onnxruntime/);
    expect((await netc(['run', '--help'])).stdout).toMatch(/--threads N/);
  });
});

describe('usage errors: one line and a hint, never the whole help', () => {
  it('an unknown option', async () => {
    const r = await netc(['compile', '--fo', cleanPath]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "netc: error: unknown option '--fo'\nusage: netc compile FILE... [options]; run 'netc compile --help' for more\n",
    );
  });

  it('an unknown command suggests the nearest one', async () => {
    const r = await netc(['chek', cleanPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "netc: error: unknown command 'chek' (did you mean 'check'?)\nusage: netc <command> [options]; run 'netc --help' for more\n",
    );
  });

  it('a misspelt option suggests the nearest one', async () => {
    const r = await netc(['summary', cleanPath, '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      "netc: error: unknown option '--jsn' (did you mean '--json'?)",
    );
  });
});

describe('I/O errors: one line, exit 2', () => {
  it.each([
    ['check', []],
    ['summary', []],
    ['fmt', []],
    ['compile', []],
    ['compile', ['--target', 'onnx']],
    ['run', ['--input', 'x.npy']],
    ['init', ['--seed', '1', '--save', 'w.safetensors']],
  ])('netc %s missing.net %j', async (command, extra) => {
    const missing = join(dir, 'missing.net');
    const r = await netc([command, missing, ...extra]);
    expect(r.code).toBe(2);
    const count = command === 'check' ? '0 errors, 0 warnings in 0 files\n' : '';
    expect(r.stderr).toBe(`netc: cannot read ${missing}: no such file\n${count}`);
    expect(r.stdout).toBe('');
  });

  it('a full disk on stdout: one line, exit 2 (/dev/full)', () => {
    if (!existsSync('/dev/full')) return;
    const r = shell(`${netcShell} summary '${cleanPath}' > /dev/full`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('netc: cannot write standard output: no space left on the device\n');
  });

  it('a closed pipe ends quietly, with the exit status of the command', () => {
    // Far more than a pipe buffer (64 KiB) of summary rows, read by a head that stops at one.
    const big = write(
      'big.net',
      'model big(x: [4]) {\n  y = x\n  for i in range(3000) {\n    y = y |> dense(4)\n  }\n  return y\n}\n',
    );
    const r = shell(`${netcShell} summary '${big}' | head -1; echo "status \${PIPESTATUS[0]}" >&2`);
    expect(r.stdout.split('\n')).toHaveLength(2); // one line and the final newline
    expect(r.stderr).toBe('status 0\n');
  });
});

describe("'-' reads standard input, named <stdin>", () => {
  it('check, summary and fmt', () => {
    const check = spawnNetc(['check', '-'], { input: ONE_ERROR });
    expect(check.code).toBe(1);
    expect(check.stdout.split('\n')[0]).toBe(
      "<stdin>:3:16: error[E1002]: unknown op or block 'conv2dd'",
    );
    const summary = spawnNetc(['summary', '-', '--json'], {
      input: readFileSync(cleanPath, 'utf8'),
    });
    expect(summary.code).toBe(0);
    expect(JSON.parse(summary.stdout)).toMatchObject({ model: 'clean', totalParams: 8 * 4 + 4 });
    const fmt = spawnNetc(['fmt', '-'], {
      input: 'model   m(x: [4]) {\n return x |> dense(2)\n}\n',
    });
    expect(fmt).toEqual({
      code: 0,
      stdout: 'model m(x: [4]) {\n  return x |> dense(2)\n}\n',
      stderr: '',
    });
  });

  it('imports resolve relative to the current folder; compile prints the module', () => {
    write('lib.net', 'block twice(x, n) {\n  return x |> dense(n) |> dense(n)\n}\n');
    const source = 'import "./lib.net"\n\nmodel m(x: [4]) {\n  return x |> twice(3)\n}\n';
    const check = spawnNetc(['check', '-'], { input: source, cwd: dir });
    expect([check.code, check.stdout, check.stderr]).toEqual([
      0,
      '',
      '0 errors, 0 warnings in 1 file\n',
    ]);
    const compiled = spawnNetc(['compile', '-'], { input: source, cwd: dir });
    expect(compiled.code).toBe(0);
    expect(compiled.stdout).toContain('export function createModel(');
    expect(compiled.stderr).toBe('');
  });
});

describe('colour', () => {
  it('only on a terminal; NO_COLOR (non-empty) disables it, FORCE_COLOR enables it', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({ TERM: 'dumb' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
  });

  it('a pipe gets no escapes, unless FORCE_COLOR', () => {
    const plain = shell(`${netcShell} check '${onePath}' | cat`);
    expect(plain.stdout).toContain('error[E1002]');
    expect(plain.stdout).not.toContain('\x1b[');
    const forced = shell(`${netcShell} check '${onePath}' | cat`, { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\x1b[31;1merror[E1002]\x1b[0m');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('a terminal gets escapes, unless NO_COLOR', () => {
    const tty = (env: string) =>
      shell(`${env} script -qec "${netcShell.replace(/"/g, '\\"')} check '${onePath}'" /dev/null`);
    expect(tty('TERM=xterm').stdout).toContain('\x1b[31;1merror[E1002]');
    const off = tty('TERM=xterm NO_COLOR=1').stdout;
    expect(off).toContain('error[E1002]');
    expect(off).not.toContain('\x1b[31;1m');
  });
});
