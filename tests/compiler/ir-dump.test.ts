/**
 * `dumpGraph`: the text form checked by hand on a small model, then one golden per sample
 * (tests/golden/ir/SAMPLE.txt: every graph of the file, node by node with op, inputs, shape and
 * attributes), so that a change to lowering or shape inference shows up as a readable diff.
 * `npx vitest run tests/compiler/ir-dump.test.ts -u` rewrites the goldens after an intended change.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, checkSource } from '../../compiler/compile.js';
import { dumpGraph, formatAttrValue } from '../../compiler/ir/dump.js';
import { Source } from '../../compiler/source.js';

const samplesDir = join(import.meta.dirname, '../../samples');
const samples = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.net'))
  .sort();

describe('dumpGraph', () => {
  it('writes the ports, then one line per node: name = op(inputs) -> shape  attrs', () => {
    const r = checkSource(
      new Source(
        'tiny.net',
        `block unit(x, n) {
  return x |> dense(n, activation: "relu")
}

model tiny(x: [T, 4]) {
  h = unit(x, 3)
  return y: h |> layer_norm, z: h + h
}
`,
      ),
    );
    expect(r.diagnostics).toEqual([]);
    const text = dumpGraph(r.graphs[0]);
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'model tiny',
      'input x: [T, 4] = x',
      'output y: [T, 3] = layer_norm_0',
      'output z: [T, 3] = add_0',
      'x = input() -> [T, 4]  shape=["T", 4]',
    ]);
    expect(lines[5]).toMatch(
      /^unit_0\.dense_0 = dense\(x\) -> \[T, 3\]  units=3 .*activation="relu"/,
    );
    expect(lines[6]).toMatch(/^layer_norm_0 = layer_norm\(unit_0\.dense_0\) -> \[T, 3\]  /);
    expect(lines[7]).toBe('add_0 = add(unit_0.dense_0, unit_0.dense_0) -> [T, 3]');
    expect(lines.slice(8)).toEqual(['']);
  });

  it('formats attribute values as literals', () => {
    expect(formatAttrValue(3)).toBe('3');
    expect(formatAttrValue(0.001)).toBe('0.001');
    expect(formatAttrValue(true)).toBe('true');
    expect(formatAttrValue(null)).toBe('null');
    expect(formatAttrValue('same')).toBe('"same"');
    expect(formatAttrValue([3, [1, 'a'], null])).toBe('[3, [1, "a"], null]');
  });
});

describe('sample IR goldens', () => {
  it.each(samples)('%s', async (file) => {
    const r = checkFile(join(samplesDir, file));
    expect(r.ok).toBe(true);
    const text = r.graphs.map(dumpGraph).join('\n');
    // One line per node, plus the header and port lines of each graph.
    const ports = r.graphs.reduce((n, g) => n + 1 + g.inputs.length + g.outputs.length, 0);
    const nodes = r.graphs.reduce((n, g) => n + g.nodes.length, 0);
    expect(text.split('\n').filter((l) => l !== '')).toHaveLength(ports + nodes);
    await expect(text).toMatchFileSnapshot(`../golden/ir/${file.replace(/\.net$/, '')}.txt`);
  });
});
