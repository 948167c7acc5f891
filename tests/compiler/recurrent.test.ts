/**
 * The recurrent ops (issue 14) in the language: symbolic lengths through them, Keras' parameter
 * counts for a stack, and their diagnostics located at the argument or the call.
 */
import { describe, expect, it } from 'vitest';
import { compile, compileDocExample } from './doc-blocks.js';
import { summarize } from '../../compiler/summary.js';

describe('recurrent ops in a model', () => {
  it('carry a symbolic length and count Keras parameters', () => {
    const { graph, errors } = compile(
      [
        'model m(tokens: [T]) {',
        '  x = tokens |> embedding(100, 8) |> lstm(4, return_sequences: true, bidirectional: true)',
        '  return x |> gru(4) |> dense(1, activation: "sigmoid")',
        '}',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(graph!.nodes.map((n) => n.shape)).toEqual([['T'], ['T', 8], ['T', 8], [4], [1]]);
    const s = summarize(graph!);
    // embedding 100*8; lstm 2 * 4*(8*4 + 4*4 + 4); gru 3*(8*4 + 4*4 + 2*4); dense 4 + 1
    expect(s.layers.map((r) => r.params)).toEqual([0, 800, 416, 168, 5]);
    expect(s.layers[2].macs).toBeNull();
  });

  it('counts the MACs of a known length', () => {
    const { graph } = compile('model m(x: [10, 8]) {\n  return x |> simple_rnn(4)\n}\n');
    // 10 steps * 4 * (8 + 4)
    expect(summarize(graph!).layers[1].macs).toBe(480n);
  });
});

describe('recurrent diagnostics', () => {
  const at = (line: string, input = '[T, 3]') =>
    compile(`model m(x: ${input}) {\n${line}\n}\n`).errors;

  it.each([
    [
      '  return x |> lstm(4 - 4)',
      'E2002',
      '4 - 4',
      "lstm: invalid value for 'units': expected a strictly positive value, found 0",
    ],
    [
      '  return x |> gru(4)',
      'E3004',
      'gru',
      'gru expects a sequence [steps, features], found [4, 4, 3] (rank 3)',
    ],
    [
      '  return x |> simple_rnn(4, activation: "gelu")',
      'E2001',
      'activation',
      'wrong type for \'activation\' of simple_rnn: expected "tanh" | "sigmoid" | "relu" | "hard_sigmoid", found string "gelu"; did you mean "relu"?',
    ],
    [
      '  return x |> lstm(4, merge_mode: "max")',
      'E2001',
      'merge_mode',
      'wrong type for \'merge_mode\' of lstm: expected "concat" | "sum" | "mul" | "ave", found string "max"',
    ],
    [
      '  return x |> lstm(4, bidirectional: true, go_backwards: true)',
      'E2002',
      'go_backwards',
      "lstm: invalid value for 'go_backwards': lstm with bidirectional: true already reads the sequence both ways; leave go_backwards false",
    ],
  ])('%s is %s at %s', (line, code, marker, message) => {
    const input = message.includes('[4, 4, 3]') ? '[4, 4, 3]' : undefined;
    const column = line.indexOf(marker) + 1;
    expect(at(line, input)).toEqual([[code, 2, column, message]]);
  });
});

describe('the docs/language.md example', () => {
  it('encodes [T] tokens into [T, 128], then [64]', () => {
    const g = compileDocExample('encoder', 'model m(tokens: [T]) {\n  return encoder(tokens)\n}\n');
    expect(g.nodes.slice(1).map((n) => [n.op, n.shape])).toEqual([
      ['embedding', ['T', 128]],
      ['lstm', ['T', 128]],
      ['gru', [64]],
    ]);
  });
});

describe('masks carried to the recurrent layers', () => {
  const ops = (text: string) => {
    const { graph, errors } = compile(text);
    expect(errors).toEqual([]);
    return graph!.nodes;
  };

  it("docs/language.md's masked encoder: one step_mask of the ids feeds both layers", () => {
    const g = compileDocExample(
      'masked_encoder',
      'model m(tokens: [T]) {\n  return masked_encoder(tokens)\n}\n',
    );
    const [tokens, , dropout, mask, lstm, gru] = g.nodes;
    expect(g.nodes.map((n) => n.op)).toEqual([
      'input',
      'embedding',
      'dropout',
      'step_mask',
      'lstm',
      'gru',
    ]);
    expect([mask.inputs, mask.shape, mask.attrs.mask_value]).toEqual([[tokens.id], ['T'], 0]);
    expect(lstm.inputs).toEqual([dropout.id, mask.id]);
    expect(gru.inputs).toEqual([lstm.id, mask.id]);
  });

  it('masking(mask_value) masks on its input, through dense and an activation', () => {
    const [x, , , , mask, lstm] = ops(
      'model m(x: [T, 3]) {\n  return x |> masking(mask_value: -1) |> dense(4) |> relu |> lstm(2)\n}\n',
    );
    expect([mask.op, mask.inputs, mask.attrs.mask_value]).toEqual(['step_mask', [x.id], -1]);
    expect(lstm.inputs[1]).toBe(mask.id);
  });

  it.each([
    ['no mask_zero', 'tokens |> embedding(10, 4) |> lstm(2)'],
    [
      'a layer that drops the mask',
      'tokens |> embedding(10, 4, mask_zero: true) |> conv1d(4, 3) |> lstm(2)',
    ],
    [
      'a recurrent layer without return_sequences',
      'tokens |> embedding(10, 4, mask_zero: true) |> lstm(2) |> repeat_vector(3) |> lstm(2)',
    ],
  ])('none with %s', (_t, line) => {
    const nodes = ops(`model m(tokens: [T]) {\n  return ${line}\n}\n`);
    // The last layer reads its sequence only.
    expect(nodes[nodes.length - 1].inputs).toHaveLength(1);
  });

  it('a mask given by hand must have the steps of its sequence', () => {
    const { errors } = compile('model m(x: [T, 3], m: [4]) {\n  return x |> lstm(m, 4)\n}\n');
    expect(errors).toEqual([
      ['E3001', 2, 15, 'lstm: the mask must be [steps] of its sequence [T, 3], found [4]'],
    ]);
  });
});

describe('initial_state', () => {
  it('puts the states after the sequence, before the mask', () => {
    const { graph, errors } = compile(
      [
        'model m(tokens: [T], h: [4], c: [4]) {',
        '  x = tokens |> embedding(10, 3, mask_zero: true)',
        '  return x |> lstm(4, initial_state: [h, c])',
        '}',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    const [tokens, h, c, embedding, mask, lstm] = graph!.nodes;
    expect([mask.op, mask.inputs]).toEqual(['step_mask', [tokens.id]]);
    expect(lstm.inputs).toEqual([embedding.id, h.id, c.id, mask.id]);
    expect(lstm.attrs.initial_state).toBe(2);
  });

  // Errors only: an unused model input is a warning (W0001).
  const at = (line: string) =>
    compile(`model m(x: [T, 3], h: [4], w: [5]) {\n${line}\n}\n`).errors.filter(
      (e) => e[0] !== 'W0001',
    );

  it.each([
    [
      '  return x |> lstm(4, initial_state: [h])',
      "lstm: invalid value for 'initial_state': lstm starts from 2 states (h, c), found 1",
    ],
    [
      '  return x |> gru(4, bidirectional: true, initial_state: [h])',
      "gru: invalid value for 'initial_state': gru starts from 2 states (h per direction), found 1",
    ],
    [
      '  return x |> simple_rnn(4, initial_state: [w])',
      "simple_rnn: invalid value for 'initial_state': each state is [units] = [4], found [5]",
    ],
  ])('%s is E2002 at initial_state', (line, message) => {
    expect(at(line)).toEqual([['E2002', 2, line.indexOf('initial_state') + 1, message]]);
  });

  it('must be a list of tensors', () => {
    const line = '  return x |> gru(4, initial_state: [1])';
    expect(at(line)).toEqual([
      [
        'E2001',
        2,
        line.indexOf('initial_state') + 1,
        "wrong type for 'initial_state' of gru: expected [tensor, ...] or none, found list [1]",
      ],
    ]);
  });
});

describe("docs/language.md's decoder", () => {
  it('starts a gru from the context', () => {
    const g = compileDocExample(
      'decoder',
      'model m(targets: [T, 8], context: [32]) {\n  return decoder(targets, context)\n}\n',
    );
    const [targets, context, gru] = g.nodes;
    expect([gru.op, gru.inputs, gru.shape]).toEqual(['gru', [targets.id, context.id], ['T', 32]]);
  });
});

describe('return_state', () => {
  it("docs/language.md's summarize: the output and the states as slices of the lstm", () => {
    const g = compileDocExample('summarize', 'model m(x: [T, 3]) {\n  return summarize(x)\n}\n');
    const [, lstm, out, h, c, cat] = g.nodes;
    expect([lstm.op, lstm.shape]).toEqual(['lstm', [48]]);
    expect([out, h, c].map((n) => [n.op, n.inputs, n.attrs.start, n.attrs.stop, n.shape])).toEqual([
      ['slice', [lstm.id], 0, 16, [16]],
      ['slice', [lstm.id], 16, 32, [16]],
      ['slice', [lstm.id], 32, 48, [16]],
    ]);
    expect([cat.op, cat.inputs, cat.shape]).toEqual(['concat', [out.id, h.id, c.id], [48]]);
  });

  it('gives two directions of states with bidirectional', () => {
    const { graph, errors } = compile(
      'model m(x: [T, 3]) {\n  y, hf, hb = x |> gru(4, bidirectional: true, return_state: true)\n  return concat(y, hf, hb)\n}\n',
    );
    expect(errors).toEqual([]);
    expect(graph!.nodes[1].shape).toEqual([16]); // concat 8 + 2 directions * 4
  });

  it('with return_sequences: the steps, and each state read from the last step', () => {
    const { graph, errors } = compile(
      'model m(x: [T, 3]) {\n  y, h, c = x |> lstm(4, return_sequences: true, return_state: true)\n  return y + h + c\n}\n',
    );
    expect(errors).toEqual([]);
    const [, lstm, y, hSteps, h, cSteps, c] = graph!.nodes;
    expect(lstm.shape).toEqual(['T', 12]); // 4 + 2 states * 4, at every step
    expect([y.inputs, y.attrs.axis, y.attrs.start, y.attrs.stop, y.shape]).toEqual([
      [lstm.id],
      1,
      0,
      4,
      ['T', 4],
    ]);
    expect([hSteps.attrs.start, hSteps.attrs.stop, cSteps.attrs.start, cSteps.attrs.stop]).toEqual([
      4, 8, 8, 12,
    ]);
    for (const [s, steps] of [
      [h, hSteps],
      [c, cSteps],
    ] as const) {
      expect([s.inputs, s.attrs.axis, s.attrs.start, s.attrs.squeeze, s.shape]).toEqual([
        [steps.id],
        0,
        -1,
        true,
        [4],
      ]);
    }
  });
});
