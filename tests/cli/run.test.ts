/**
 * `netc run`: outputs equal `model.predict`, inputs checked (names, batch, shapes, every layer's
 * size rule) before anything runs, and each failure a one-line message with its exit code.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../api/index.js';
import {
  graphOf,
  netc,
  predict,
  pseudoRandom,
  readArray,
  tempDir,
  TINY_SOURCE,
  writeArray,
  writeText,
} from './helpers.js';
import { maxDiff } from '../runtime/helpers.js';

const dir = tempDir();

const tiny = writeText(dir, 'tiny.net', TINY_SOURCE);

const two = writeText(
  dir,
  'two.net',
  `model two(a: [4], b: [3]) {
  h = concat(a |> dense(5), b |> dense(5))
  return s: h |> dense(2) |> softmax, t: h |> dense(3)
}
`,
);

const conv = writeText(
  dir,
  'conv.net',
  `model conv(image: [?, ?, 3]) {
  x = image |> conv2d(4, 5, padding: "valid") |> relu
  return feat: x
}
`,
);

const xData = pseudoRandom(4 * 6, 11);

describe('netc run', () => {
  it('writes the outputs model.predict gives, and prints shape, preview and times', async () => {
    const x = await writeArray(dir, 'x.npy', [4, 6], xData);
    const out = join(dir, 'y.npy');
    const r = await netc([
      'run',
      tiny,
      '--input',
      x,
      '--output',
      out,
      '--seed',
      '7',
      '--no-optimize',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const model = buildModel(graphOf(tiny), { seed: 7 });
    const want = predict(model, [4, 6], xData);
    model.dispose();
    const got = await readArray(out);
    expect(got.shape).toEqual([4, 3]);
    expect(got.data).toEqual(want);
    const argmax = [0, 1, 2, 3].map((r) => {
      const row = want.slice(r * 3, r * 3 + 3);
      return row.indexOf(Math.max(...row));
    });
    expect(r.stdout).toContain(`y        [4, 3]  argmax per row: ${argmax.join(' ')}`);
    expect(r.stdout).toMatch(/^build +\d+ ms \(compile \d+ ms, backend \d+ ms, layers \d+ ms\)$/m);
    expect(r.stdout).toMatch(/^predict +\d+ ms \(batch 4\)$/m);
    expect(r.stdout).toContain(`wrote    y [4, 3] to ${out}`);
    expect(r.stdout).not.toContain('optimized for inference');

    // The default, optimized graph: softmax fused into the dense before it, same values.
    const fast = join(dir, 'y-optimized.npy');
    const o = await netc(['run', tiny, '--input', x, '--output', fast, '--seed', '7']);
    expect(o.code).toBe(0);
    expect(o.stdout).toMatch(/^graph +optimized for inference: 4 ops -> 3 /m);
    expect(o.stdout).toMatch(/^build +\d+ ms \(.*, optimize \d+ ms\)$/m);
    expect(maxDiff((await readArray(fast)).data, want)).toBeLessThan(1e-6);
  });

  it('a non-vector output is previewed as min, max and mean', async () => {
    const img = await writeArray(dir, 'img8.npy', [2, 8, 8, 3], pseudoRandom(2 * 8 * 8 * 3));
    const r = await netc(['run', conv, '--input', img, '--seed', '1', '--backend', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^feat +\[2, 4, 4, 4\] {2}min [\d.e-]+ {2}max [\d.e-]+ {2}mean [\d.e-]+$/m,
    );
    expect(r.stdout).toContain('on cpu');
  });

  it('several inputs and outputs go by name', async () => {
    const a = await writeArray(dir, 'a.npy', [2, 4], pseudoRandom(8, 2));
    const b = await writeArray(dir, 'b.npy', [2, 3], pseudoRandom(6, 3));
    const t = join(dir, 't.npy');
    const r = await netc([
      'run',
      two,
      '--input',
      `b=${b}`,
      '--input',
      `a=${a}`,
      '--output',
      `t=${t}`,
      '--seed',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^s +\[2, 2\]/m);
    expect(r.stdout).toMatch(/^t +\[2, 3\]/m);
    expect((await readArray(t)).shape).toEqual([2, 3]);
    expect(existsSync(join(dir, 's.npy'))).toBe(false);
  });

  it('input and output names are checked against the model (exit 2)', async () => {
    const a = await writeArray(dir, 'a2.npy', [2, 4], pseudoRandom(8));
    const b = await writeArray(dir, 'b2.npy', [2, 3], pseudoRandom(6));
    const cases: [string[], string][] = [
      [['--input', a], 'the model has 2 inputs (a, b): name each one, --input NAME=PATH'],
      [['--input', `a=${a}`], "no --input for the model's input b"],
      [
        ['--input', `a=${a}`, '--input', `c=${b}`],
        "--input c=...: the model has no input 'c' (its inputs: a, b)",
      ],
      [
        ['--input', `a=${a}`, '--input', `b=${b}`, '--output', join(dir, 'o.npy')],
        'the model has 2 outputs (s, t): name each one',
      ],
      [
        ['--input', `a=${a}`, '--input', `b=${b}`, '--output', `u=${join(dir, 'o.npy')}`],
        "the model has no output 'u'",
      ],
    ];
    for (const [args, message] of cases) {
      const r = await netc(['run', two, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('a wrong input shape is exit 1, naming expected and found shapes and the file', async () => {
    const bad = await writeArray(dir, 'bad.npy', [2, 5], pseudoRandom(10));
    const r = await netc(['run', tiny, '--input', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`netc: input 'x' expects [batch, 6], found [2, 5] from ${bad}`);
    expect(r.stdout).toBe('');

    const image = writeText(
      dir,
      'image.net',
      'model img(image: [32, 32, 3]) {\n  return y: image |> conv2d(2, 3)\n}\n',
    );
    const small = await writeArray(dir, 'small.npy', [1, 16, 16, 3], new Float32Array(768));
    const r2 = await netc(['run', image, '--input', small]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(
      `input 'image' expects [batch, 32, 32, 3], found [1, 16, 16, 3] from ${small}`,
    );
  });

  it('an array without the batch dim is refused, with the fix', async () => {
    const one = await writeArray(dir, 'one.npy', [6], pseudoRandom(6));
    const r = await netc(['run', tiny, '--input', one]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `input 'x' expects [batch, 6], found [6] from ${one}: the first dim is the batch; for one example save it as x[None] (shape [1, 6])`,
    );
  });

  it('inputs with different batch sizes, an empty batch, and inconsistent symbolic dims are exit 1', async () => {
    const a = await writeArray(dir, 'a3.npy', [2, 4], pseudoRandom(8));
    const b = await writeArray(dir, 'b3.npy', [3, 3], pseudoRandom(9));
    const r = await netc(['run', two, '--input', `a=${a}`, '--input', `b=${b}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `the batch sizes differ: 3 in ${b} (input 'b'), 2 in ${a} (input 'a')`,
    );

    const empty = await writeArray(dir, 'empty.npy', [0, 6], []);
    expect((await netc(['run', tiny, '--input', empty])).stderr).toContain('the batch is empty');

    const sym = writeText(
      dir,
      'sym.net',
      'model sym(a: [T, 4], b: [T, 2]) {\n  return y: concat(a, b)\n}\n',
    );
    const sa = await writeArray(dir, 'sa.npy', [2, 5, 4], new Float32Array(40));
    const sb = await writeArray(dir, 'sb.npy', [2, 6, 2], new Float32Array(24));
    const r3 = await netc(['run', sym, '--input', `a=${sa}`, '--input', `b=${sb}`]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain("input 'b' expects [batch, T, 2], found [2, 6, 2]");
    expect(r3.stderr).toContain("T is 6 here but 5 in input 'a'");
  });

  it('an input too small for a layer is the compiler-style error at that layer, before running', async () => {
    const img = await writeArray(dir, 'img3.npy', [1, 3, 3, 3], new Float32Array(27));
    const r = await netc(['run', conv, '--input', img]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${conv}:2:16: error[E3003]: conv2d: kernel of size 5 is larger than the input height 3`,
    );
    expect(r.stdout).toContain('^^^^');
    expect(r.stdout).toContain(`= note: with the input size given: image [3, 3, 3] (${img})`);
    expect(r.stdout).not.toContain('predict');
  });

  it('a FILE that does not compile: the diagnostics, as netc check prints them; exit 1', async () => {
    const broken = writeText(
      dir,
      'broken.net',
      'model broken(x: [4]) {\n  return y: x |> dense(3) |> no_such_op\n}\n',
    );
    const x = await writeArray(dir, 'x4.npy', [1, 4], [1, 2, 3, 4]);
    const r = await netc(['run', broken, '--input', x]);
    expect(r.code).toBe(1);
    const check = await netc(['check', broken]);
    expect(r.stdout).toBe(check.stdout);
    expect(r.stdout).toContain(`${broken}:2:`);
  });

  it('files that cannot be read or written: one line, exit 2', async () => {
    const x = await writeArray(dir, 'x5.npy', [1, 6], pseudoRandom(6));
    const junk = join(dir, 'junk.npy');
    writeFileSync(junk, 'not an array');
    const cases: [string[], string][] = [
      [
        ['run', tiny, '--input', join(dir, 'missing.npy')],
        `cannot read ${join(dir, 'missing.npy')}: no such file or folder`,
      ],
      [
        ['run', tiny, '--input', junk],
        `${junk}: not a .npy file: bad magic (expected "\\x93NUMPY")`,
      ],
      [
        ['run', join(dir, 'missing.net'), '--input', x],
        `cannot read ${join(dir, 'missing.net')}: no such file`,
      ],
      [
        ['run', tiny, '--input', x, '--output', join(dir, 'no/such/dir/y.npy')],
        `cannot write ${join(dir, 'no/such/dir/y.npy')}: the folder ${join(dir, 'no/such/dir')} does not exist`,
      ],
      [
        ['run', tiny, '--input', x, '--weights', join(dir, 'nowhere')],
        `cannot read ${join(dir, 'nowhere')}: no such file or folder`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await netc(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toBe(`netc: ${message}`);
    }
  });

  it('a file with several models needs --model', async () => {
    const both = writeText(
      dir,
      'both.net',
      'model a(x: [2]) {\n  return y: x |> dense(2)\n}\n\nmodel b(x: [2]) {\n  return y: x |> dense(4)\n}\n',
    );
    const x = await writeArray(dir, 'x2.npy', [1, 2], [1, 2]);
    const r = await netc(['run', both, '--input', x]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('defines 2 models (a, b); choose one with --model NAME');
    const rb = await netc(['run', both, '--model', 'b', '--input', x, '--seed', '1']);
    expect(rb.code).toBe(0);
    expect(rb.stdout).toMatch(/^y +\[1, 4\]/m);
  });
});
