/**
 * The command lines of `netc run`, `train` and `init`: every flag validated (exit 2 with a
 * clear message and the usage), help, and TensorFlow.js kept out of the other commands.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAssignment, parseRunArgs, parseTrainArgs } from '../../cli/commands/model-args.js';
import { packageRoot } from '../../compiler/package-root.js';
import { netc } from './helpers.js';

const root = packageRoot();

describe('flag validation: exit 2, one line naming the flag, then the usage line as a hint', () => {
  const cases: [string, string[], string][] = [
    [
      'an unknown flag',
      ['run', 'm.net', '--input', 'x.npy', '--bogus'],
      "netc: error: unknown option '--bogus'",
    ],
    [
      'a missing value',
      ['run', 'm.net', '--input'],
      "netc: error: option '--input <[NAME=]X.npy>' argument missing",
    ],
    [
      'a flag as a value',
      ['run', 'm.net', '--seed', '--input', 'x.npy'],
      "--seed needs a value, found the option '--input' (write --seed=VALUE for a value that starts with '-')",
    ],
    [
      'a non-numeric seed',
      ['run', 'm.net', '--input', 'x.npy', '--seed', 'abc'],
      "--seed must be an integer in [0, 4294967295], found 'abc'",
    ],
    [
      'a fractional seed',
      ['init', 'm.net', '--seed', '1.5', '--save', 'w'],
      "--seed must be an integer in [0, 4294967295], found '1.5'",
    ],
    [
      'a seed too large',
      ['init', 'm.net', '--seed', '4294967296', '--save', 'w'],
      '--seed must be an integer',
    ],
    [
      'a bad backend',
      ['run', 'm.net', '--input', 'x.npy', '--backend', 'gpu'],
      "netc: error: --backend must be one of wasm, cpu, found 'gpu'",
    ],
    [
      'no --input',
      ['run', 'm.net'],
      "netc: error: required option '--input <[NAME=]X.npy>' not specified",
    ],
    ['no FILE', ['run', '--input', 'x.npy'], 'netc run needs a FILE'],
    [
      'two FILEs',
      ['run', 'a.net', 'b.net', '--input', 'x.npy'],
      'takes one FILE, found 2: a.net b.net',
    ],
    [
      'a flag given twice',
      ['run', 'm.net', '--input', 'x.npy', '--seed', '1', '--seed', '2'],
      '--seed is given more than once',
    ],
    [
      '--seed with --weights',
      ['run', 'm.net', '--input', 'x.npy', '--seed', '1', '--weights', 'w'],
      "netc: error: option '--seed <N>' cannot be used with option '--weights <PATH>'",
    ],
    [
      'two unnamed inputs',
      ['run', 'm.net', '--input', 'a.npy', '--input', 'b.npy'],
      'name each one (--input NAME=PATH)',
    ],
    [
      'an input named twice',
      ['run', 'm.net', '--input', 'a=x.npy', '--input', 'a=y.npy'],
      '--input a=... is given more than once',
    ],
    ['an empty path', ['run', 'm.net', '--input', 'a='], "--input 'a=' names no file"],
    [
      'zero epochs',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--epochs', '0'],
      "--epochs must be an integer >= 1, found '0'",
    ],
    [
      'a fractional batch size',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--batch-size', '2.5'],
      "--batch-size must be an integer >= 1, found '2.5'",
    ],
    [
      'a negative learning rate',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--lr=-0.1'],
      "--lr must be a positive number, found '-0.1'",
    ],
    [
      'a non-numeric learning rate',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--lr', 'fast'],
      "--lr must be a positive number, found 'fast'",
    ],
    [
      'momentum 1',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--momentum', '1'],
      "--momentum must be a number in [0, 1), found '1'",
    ],
    [
      'momentum with adam',
      [
        'train',
        'm.net',
        '--x',
        'x.npy',
        '--y',
        'y.npy',
        '--optimizer',
        'adam',
        '--momentum',
        '0.9',
      ],
      '--momentum applies to --optimizer sgd, momentum, nesterov or rmsprop, not adam',
    ],
    [
      'an unknown optimizer',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--optimizer', 'lamb'],
      "--optimizer must be one of sgd, momentum, nesterov, adam, adamw, rmsprop, found 'lamb'",
    ],
    [
      'an unknown loss',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--loss', 'hinge'],
      "--loss must be one of categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, mse, found 'hinge'",
    ],
    [
      'an unknown metric',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--metrics', 'accuracy,f1'],
      "--metrics must be one of accuracy, found 'f1'",
    ],
    [
      'validation split 1',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--validation-split', '1'],
      "--validation-split must be a number in [0, 1), found '1'",
    ],
    [
      'no --y',
      ['train', 'm.net', '--x', 'x.npy'],
      "required option '--y <[NAME=]Y.npy>' not specified",
    ],
    [
      'init without --seed',
      ['init', 'm.net', '--save', 'w'],
      "required option '--seed <N>' not specified",
    ],
    [
      'init without --save',
      ['init', 'm.net', '--seed', '1'],
      "required option '--save <PATH>' not specified",
    ],
    [
      '--threads with the cpu backend',
      ['train', 'm.net', '--x', 'x.npy', '--y', 'y.npy', '--backend', 'cpu', '--threads', '2'],
      '--threads applies to --engine onnxruntime or the wasm backend, not --backend cpu',
    ],
    [
      '--threads 0',
      ['run', 'm.net', '--input', 'x.npy', '--threads', '0'],
      "--threads must be an integer in [1, 1024], found '0'",
    ],
    [
      'init with an unknown flag',
      ['init', 'm.net', '--seed', '1', '--save', 'w', '--epochs', '3'],
      "netc: error: unknown option '--epochs'",
    ],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    const r = await netc(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    // One line, then the usage line with a pointer to the help: never the whole help.
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^netc: error: /);
    expect(lines[1]).toMatch(
      new RegExp(`^usage: netc ${args[0]} FILE .*; run 'netc ${args[0]} --help' for more$`),
    );
    expect(r.stdout).toBe('');
  });
});

describe('parsing', () => {
  it('NAME=PATH only when NAME is an identifier', () => {
    expect(parseAssignment('input', 'image=x.npy')).toEqual({ name: 'image', path: 'x.npy' });
    expect(parseAssignment('input', 'x.npy')).toEqual({ path: 'x.npy' });
    expect(parseAssignment('input', './a=b.npy')).toEqual({ path: './a=b.npy' });
    expect(parseAssignment('input', 'a=b=c.npy')).toEqual({ name: 'a', path: 'b=c.npy' });
  });

  it('defaults', () => {
    expect(parseRunArgs(['m.net', '--input', 'x.npy'])).toEqual({
      file: 'm.net',
      model: undefined,
      backend: 'wasm',
      inputs: [{ path: 'x.npy' }],
      outputs: [],
      weights: undefined,
      seed: undefined,
      optimize: true,
      engine: 'tfjs',
      threads: undefined,
    });
    expect(parseRunArgs(['m.net', '--input', 'x.npy', '--threads', '4']).threads).toBe(4);
    const t = parseTrainArgs(['m.net', '--x', 'x.npy', '--y', 'y.npy']);
    expect(t).toMatchObject({
      epochs: 10,
      batchSize: 32,
      optimizer: 'sgd',
      lr: 0.01,
      momentum: 0,
      loss: 'categorical_crossentropy',
      metrics: [],
      validationSplit: 0,
    });
    expect(parseTrainArgs(['m.net', '--x=x.npy', '--y=y.npy', '--optimizer', 'adam']).lr).toBe(
      0.001,
    );
    expect(
      parseTrainArgs(['m.net', '--x=a', '--y=b', '--metrics', 'accuracy', '--metrics=accuracy'])
        .metrics,
    ).toEqual(['accuracy']);
  });
});

describe('help and the command table', () => {
  it.each(['run', 'train', 'eval', 'init'])(
    'netc %s --help: its usage, exit 0',
    async (command) => {
      const r = await netc([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`usage: netc ${command} FILE`);
      expect(r.stdout).toContain('Exit status: 0 done; 1 FILE does not compile');
    },
  );

  it('the usage lists run, train, eval and init', async () => {
    const r = await netc(['--help']);
    for (const c of ['run FILE', 'train FILE', 'eval FILE', 'init FILE'])
      expect(r.stdout).toContain(c);
  });
});

/** The modules a file imports statically (not `import type`, not `import()`), resolved. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)'/gm)];
  const bare = [...text.matchAll(/^\s*import\s+'([^']+)'/gm)];
  return [...specs, ...bare].map((m) =>
    m[1].startsWith('.') ? resolve(dirname(file), m[1].replace(/\.js$/, '.ts')) : m[1],
  );
}

describe('netc check / summary / fmt start without TensorFlow.js', () => {
  it('cli/main.ts reaches no @tensorflow module through static imports', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const dep of staticImports(file)) {
        if (dep.startsWith('/')) {
          if (existsSync(dep)) walk(dep);
        } else packages.add(dep);
      }
    };
    walk(join(root, 'cli/main.ts'));
    expect(seen.has(join(root, 'cli/commands/model-args.ts'))).toBe(true);
    expect(seen.has(join(root, 'cli/commands/check.ts'))).toBe(true);
    expect(seen.has(join(root, 'cli/commands/run.ts'))).toBe(false);
    expect([...packages].filter((p) => p.startsWith('@tensorflow'))).toEqual([]);
  });
});

describe('package.json', () => {
  it('exports the runtime (loadModel, buildModel, weights I/O) and the compiler', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/api/index.js');
    expect(pkg.types).toBe('dist/api/index.d.ts');
    expect(pkg.exports['.'].default).toBe('./dist/api/index.js');
    expect(pkg.exports['./compiler'].default).toBe('./dist/api/compiler.js');
    const source = (p: string) =>
      join(root, p.replace(/^\.?\/?dist\//, '').replace(/\.js$/, '.ts'));
    expect(existsSync(source(pkg.exports['./compiler'].default))).toBe(true);
    const runtime = await import('../../api/index.js');
    for (const name of [
      'loadModel',
      'buildModel',
      'saveWeights',
      'loadWeights',
      'exportSafetensors',
      'importSafetensors',
      'readNpy',
      'writeNpy',
    ]) {
      expect(typeof (runtime as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
