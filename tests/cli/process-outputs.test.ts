/**
 * Outputs through real netc processes: a full disk on `-o`/`--save`/`--output` (a 64 KiB tmpfs
 * where one can be mounted, else skipped with one line; and always an injected ENOSPC) is exit 2
 * with nothing written and no temporary file left; `run`, `train` and `init` refuse to
 * overwrite one of their own inputs; `run --output` onto a target that cannot be written is
 * found before inference; and control characters and bidi controls in file paths are escaped
 * in what run, train and init print.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../io/npy.js';
import { root, spawnNetc } from './spawn-netc.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-process-outputs-'));
const mnt = join(dir, 'small');
mkdirSync(mnt);

/** Mounts a tmpfs of `size` (and `ro`) on `mnt`; false where this machine does not let us. */
function mountTmpfs(options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mnt], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const unmount = () => execFileSync('umount', [mnt], { stdio: 'ignore' });
const mounted = mountTmpfs('size=64k');
if (mounted) unmount();
else console.log('process-outputs: cannot mount a tmpfs here (needs root): full-disk tests skip');
afterAll(() => {
  try {
    unmount();
  } catch {
    // Not mounted.
  }
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
// 64 inputs to 512 outputs: 131 KB of weights, and a [64, 512] output of 131 KB.
const wide = write('wide.net', 'model wide(x: [64]) {\n  return y: x |> dense(512)\n}\n');
const small = write(
  'small.net',
  'model m(x: [4]) {\n  return y: x |> dense(3, activation: "softmax")\n}\n',
);
const wideX = join(dir, 'wide_x.npy');
const x = join(dir, 'x.npy');
const y = join(dir, 'y.npy');
await writeNpy(wideX, [64, 64], new Float32Array(64 * 64).fill(0.5));
await writeNpy(x, [8, 4], new Float32Array(32).fill(1));
await writeNpy(
  y,
  [8, 3],
  Float32Array.from({ length: 24 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
);

/** The commands that write a file of over 64 KiB to `out`. */
const fullDiskCases = (out: (name: string) => string): [string, string[], string][] => [
  ['compile -o', ['compile', wide, '--target', 'onnx', '-o', out('w.onnx')], out('w.onnx')],
  [
    'init --save',
    ['init', wide, '--seed', '1', '--save', out('w.safetensors')],
    out('w.safetensors'),
  ],
  ['run --output', ['run', wide, '--input', wideX, '--output', out('y.npy')], out('y.npy')],
];

function expectNoSpace(r: ReturnType<typeof spawnNetc>, target: string, folder: string): void {
  expect(r.stderr).toBe(`netc: cannot write ${target}: no space left on the device\n`);
  expect(r.code).toBe(2);
  expect(r.stdout).not.toMatch(/wrote|saved/);
  // Nothing written, no temporary file left.
  expect(
    readdirSync(folder).filter((n) => n.startsWith('.') || n === target.split('/').at(-1)),
  ).toEqual([]);
}

describe.skipIf(!mounted)('a full disk (a 64 KiB tmpfs)', () => {
  it.each(fullDiskCases((n) => join(mnt, n)))(
    '%s: exit 2, no space left, nothing written',
    (_, args, target) => {
      expect(mountTmpfs('size=64k')).toBe(true);
      try {
        const r = spawnNetc(args);
        expectNoSpace(r, target, mnt);
      } finally {
        unmount();
      }
    },
  );
});

describe('a full disk (an injected ENOSPC at every write of a temporary file)', () => {
  const preload = [join(root, 'tests/cli/inject-enospc.ts')];
  const out = join(dir, 'injected');
  mkdirSync(out);
  it.each(fullDiskCases((n) => join(out, n)))(
    '%s: exit 2, no space left, nothing written',
    (_, args, target) => {
      expectNoSpace(spawnNetc(args, { preload }), target, out);
    },
  );
});

describe('run, train and init never overwrite their own inputs', () => {
  const cases: [string, string[], string][] = [
    [
      'run --output onto --input',
      ['run', small, '--input', x, '--output', x],
      `--output ${x} would overwrite --input ${x}`,
    ],
    [
      'train --save onto --y',
      ['train', small, '--x', x, '--y', y, '--epochs', '1', '--save', y],
      `--save ${y} would overwrite --y ${y}`,
    ],
    [
      'train --save onto FILE',
      ['train', small, '--x', x, '--y', y, '--epochs', '1', '--save', small],
      `--save ${small} would overwrite FILE ${small}`,
    ],
    [
      'init --save onto FILE',
      ['init', small, '--seed', '1', '--save', small],
      `--save ${small} would overwrite FILE ${small}`,
    ],
  ];
  it.each(cases)('%s: a usage error (exit 2), the input intact', (_, args, message) => {
    const target = args[args.length - 1];
    const before = readFileSync(target);
    const r = spawnNetc(args);
    expect(r.stderr.split('\n')[0]).toBe(
      `netc: error: ${message}, an input of this command: write it elsewhere`,
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(readFileSync(target).equals(before)).toBe(true);
  });
});

describe('run --output that cannot be written is found before inference', () => {
  it('a path through a file: exit 2 before the model is built or run', () => {
    const target = join(x, 'y.npy');
    const r = spawnNetc(['run', small, '--input', x, '--output', target]);
    expect(r.stderr).toBe(`netc: cannot write ${target}: a part of the path is not a folder\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/^(build|predict)/m);
  });

  it.skipIf(!mounted)('a read-only file system: exit 2 before inference', () => {
    expect(mountTmpfs('size=64k,ro')).toBe(true);
    try {
      const target = join(mnt, 'y.npy');
      const r = spawnNetc(['run', small, '--input', x, '--output', target]);
      expect(r.stderr).toMatch(new RegExp(`^netc: cannot write ${target}: .*read-only`));
      expect(r.code).toBe(2);
      expect(r.stdout).not.toMatch(/^(build|predict)/m);
    } finally {
      unmount();
    }
  });
});

describe('control characters and bidi controls in paths are escaped', () => {
  // A newline that would start a forged workflow command, and a right-to-left override.
  const name = 'a\n::error file=x.net::FORGED\u202eb';
  const shown = 'a\\n::error file=x.net::FORGED\\u202eb';
  const sub = join(dir, 'names');
  mkdirSync(sub);
  const file = join(sub, `${name}.net`);
  writeFileSync(file, readFileSync(small));
  const input = join(sub, `${name}.npy`);
  writeFileSync(input, readFileSync(x));
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;

  it.each([
    [
      'run',
      ['run', file, '--input', input, '--output', join(sub, `${name}.out.npy`)],
      ['model', 'wrote'],
    ],
    ['init', ['init', file, '--seed', '1', '--save', join(sub, `${name}.safetensors`)], ['saved']],
    [
      'train',
      [
        'train',
        file,
        '--x',
        input,
        '--y',
        y,
        '--epochs',
        '1',
        '--batch-size',
        '4',
        '--save',
        join(sub, `${name}.w.safetensors`),
      ],
      ['model', 'saved'],
    ],
  ] as [string, string[], string[]][])(
    'netc %s: every line that names a path shows it escaped',
    (_, args, lines) => {
      const r = spawnNetc(args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const line of r.stdout.split('\n')) {
        expect(line).not.toMatch(raw);
        expect(line).not.toMatch(/^::/);
      }
      for (const start of lines) {
        const line = r.stdout.split('\n').find((l) => l.startsWith(start));
        expect(line, start).toContain(shown);
      }
    },
  );
});

describe('a model too large to allocate is refused before anything is allocated', () => {
  const huge = write('huge.net', 'model m(x: [1000]) {\n  return x |> dense(1000000000)\n}\n');
  it.each([
    ['init --save', ['init', huge, '--seed', '1', '--save', join(dir, 'huge.safetensors')]],
    ['compile --target onnx', ['compile', huge, '--target', 'onnx', '-o', join(dir, 'huge.onnx')]],
  ])('%s: E4005 at 2:15, exit 1, nothing written', (_, args) => {
    const r = spawnNetc(args);
    expect(`${r.stdout}${r.stderr}`).toContain(
      `${huge}:2:15: error[E4005]: 'dense_0' (dense) needs a kernel of 1,000,000,000,000 values`,
    );
    expect(r.code).toBe(1);
    expect(readdirSync(dir).filter((n) => n.startsWith('huge.') && n !== 'huge.net')).toEqual([]);
  });
});
