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
