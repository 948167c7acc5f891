import { describe, expect, it } from 'vitest';
import { MAX_MODEL_VALUES, MAX_TENSOR_VALUES } from '../../../compiler/checks/weight-limits.js';
import { checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';
import { summarize } from '../../../compiler/summary.js';

const check = (text: string) => checkSource(new Source('t.net', text));
const located = (text: string) =>
  check(text).diagnostics.map((d) => {
    const { line, column } = d.span.source.position(d.span.start);
    return [d.code, line, column];
  });

describe('weight memory limits (E4005)', () => {
  it('name the numbers the backends can hold', () => {
    expect(MAX_TENSOR_VALUES).toBe(536_870_912n); // 2 GiB of float32
    expect(MAX_MODEL_VALUES).toBe(1_073_741_824n); // 4 GiB of float32: all of wasm32 memory
  });

  it('reject one tensor too large for the wasm backend, at the layer, before any allocation', () => {
    const text = 'model m(x: [1000]) {\n  return x |> dense(1000000000)\n}\n';
    const r = check(text);
    expect(r.ok).toBe(false);
    expect(r.graphs).toEqual([]);
    expect(located(text)).toEqual([['E4005', 2, 15]]);
    // 1,000 * 1,000,000,000 kernel values: 4e12 bytes = 3.638 TiB, shown to two decimals (truncated).
    expect(r.diagnostics[0].message).toBe(
      "'dense_0' (dense) needs a kernel of 1,000,000,000,000 values (3.63 TiB as float32); " +
        'one weight tensor may hold at most 536,870,912 values (2 GiB): the wasm backend must ' +
        "hold it and one op's result in its 4 GiB (wasm32) memory",
    );
  });

  it('accept a tensor exactly at the limit (its values are never allocated by check)', () => {
    // 2^16 * 2^13 = 2^29 kernel values, plus a bias of 2^13.
    expect(check('model m(x: [65536]) {\n  return x |> dense(8192)\n}\n').ok).toBe(true);
    expect(check('model m(x: [65537]) {\n  return x |> dense(8192)\n}\n').ok).toBe(false);
  });

  it('reject a model whose weights together pass 4 GiB, at the layer that passes it', () => {
    // Each dense(16384) on 16384 features holds 2^28 + 2^14 values: the fourth passes 2^30.
    const text = [
      'model m(x: [16384]) {',
      '  a = x |> dense(16384)',
      '  b = a |> dense(16384)',
      '  c = b |> dense(16384)',
      '  d = c |> dense(16384)',
      '  return d',
      '}',
      '',
    ].join('\n');
    const r = check(text);
    expect(located(text)).toEqual([['E4005', 5, 12]]);
    const total = (4n * (2n ** 28n + 2n ** 14n)).toLocaleString('en-US');
    expect(r.diagnostics[0].message).toContain(`needs ${total} weight values so far`);
    expect(r.diagnostics[0].message).toContain('at most 1,073,741,824 (4 GiB as float32)');
  });

  it('locate the layer inside a block with its expansion', () => {
    const text = [
      'block wide(x) {',
      '  return x |> dense(600000000)',
      '}',
      'model m(x: [1]) {',
      '  return wide(x)',
      '}',
      '',
    ].join('\n');
    const [d] = check(text).diagnostics;
    expect(located(text)).toEqual([['E4005', 2, 15]]);
    expect(d.expansion.map((f) => f.call)).toEqual(['wide()']);
  });
});

describe('layers that reach no output (W0003)', () => {
  const text = [
    'model m(x: [16]) {',
    '  unused = x |> dense(8) |> dense(4)',
    '  return x |> dense(2)',
    '}',
    '',
  ].join('\n');

  it('warn at the dead end, naming it, and drop them from the graph', () => {
    const r = check(text);
    expect(r.ok).toBe(true);
    const w = r.diagnostics.filter((d) => d.code === 'W0003');
    expect(w).toHaveLength(1);
    const { line, column } = w[0].span.source.position(w[0].span.start);
    expect([line, column]).toEqual([2, 29]);
    expect(w[0].message).toBe(
      "layer 'dense_1' (dense) reaches no output of model 'm': it is not built, and its " +
        'weights are neither counted nor saved',
    );
    // dense_0: 16*8+8 = 136, dense_1: 8*4+4 = 36.
    expect(w[0].notes.map((n) => n.message)).toEqual([
      "2 layers of 'm' reach no output, with 172 params in all",
    ]);
    expect(r.graphs[0].nodes.map((n) => n.name)).toEqual(['x', 'dense_2']);
  });

  it('count only what is built: 16*2+2 params', () => {
    const s = summarize(check(text).graphs[0]);
    expect(s.totalParams).toBe(34);
    expect(s.layers.map((l) => l.name)).toEqual(['x', 'dense_2']);
  });

  it('keep node ids, inputs and ports consistent after dropping', () => {
    const t = [
      'model m(x: [4], y: [4]) {',
      '  d = y |> dense(3)',
      '  a = x |> dense(4)',
      '  return a + x',
      '}',
      '',
    ].join('\n');
    const g = check(t).graphs[0];
    g.nodes.forEach((n, i) => {
      expect(n.id).toBe(i);
      for (const j of n.inputs) expect(j).toBeLessThan(i);
    });
    // The unused input y stays a model input; its dense does not.
    expect(g.inputs.map((p) => g.nodes[p.node].name)).toEqual(['x', 'y']);
    expect(g.nodes.map((n) => n.op)).toEqual(['input', 'input', 'dense', 'add']);
    expect(g.nodes[g.outputs[0].node].op).toBe('add');
    expect(g.nodes[3].inputs).toEqual([2, 0]);
  });

  it('say nothing for a model without dead layers', () => {
    const r = check('model m(x: [4]) {\n  return x |> dense(2)\n}\n');
    expect(r.diagnostics).toEqual([]);
  });
});

describe('layer names that collide once sanitized (E4006)', () => {
  it('are an error at the second, with a note at the first', () => {
    const text = [
      'model m(x: [4]) {',
      '  a = x |> dense(4, name: "a b")',
      '  b = a |> dense(4, name: "a_b")',
      '  return b',
      '}',
      '',
    ].join('\n');
    const r = check(text);
    expect(r.ok).toBe(false);
    expect(located(text)).toEqual([['E4006', 3, 12]]);
    const [d] = r.diagnostics;
    expect(d.message).toBe(
      "layer names 'a b' and 'a_b' are both 'a_b' as TensorFlow.js layer names, so their " +
        'weights would be confused: rename one',
    );
    expect(d.notes).toHaveLength(1);
    const note = d.notes[0];
    expect(note.message).toBe("'a b' is defined here");
    expect(note.span && note.span.source.position(note.span.start)).toMatchObject({
      line: 2,
      column: 12,
    });
  });

  it('are not reported for names that stay distinct', () => {
    const text =
      'model m(x: [4]) {\n  return x |> dense(4, name: "a b") |> dense(4, name: "a-b")\n}\n';
    expect(check(text).ok).toBe(true);
  });
});
