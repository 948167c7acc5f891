/**
 * `netc fmt` keeps its 100-column limit: random expression trees print within 100 columns (or
 * the overlong line is one token), idempotently, and read back as the same tree; plus the
 * 199-column pipeline stage of the issue, checked line by line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as A from '../../grammar/ast.js';
import { print } from '../../grammar/printer.js';
import { format, parseClean, stripLocs } from './ast-utils.js';
import { programOf, randomExpr, rng } from './random-ast.js';

const WIDTH = 100;
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));

/** `block t() { x = e }` printed, checked to read back as the same tree and to be a fixpoint. */
function printChecked(program: A.Program): string {
  const printed = print(program);
  const reparsed = parseClean(printed);
  expect(stripLocs(reparsed)).toEqual(stripLocs(program));
  expect(print(reparsed, printed)).toBe(printed);
  return printed;
}

/** A model statement list of several random trees, big enough to need breaking. */
function bigProgram(seed: number, depth: number, count: number): A.Program {
  const r = rng(seed);
  const program = programOf(randomExpr(r, depth));
  const block = program.items[0] as A.Definition;
  const loc = { start: 0, end: 0 };
  const more: A.Statement[] = Array.from({ length: count }, (_, i) => ({
    kind: 'Assign',
    target: { kind: 'Identifier', name: `v${i}`, loc },
    value: randomExpr(r, depth),
    loc,
  }));
  return { ...program, items: [{ ...block, body: [...block.body, ...more] }] };
}

describe('the 100-column limit', () => {
  it('random expression trees: every line fits, the print is a fixpoint and reads back', () => {
    let broken = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 3, max: 7 }),
        (seed, depth) => {
          const printed = printChecked(bigProgram(seed, depth, 3));
          expect(widest(printed)).toBeLessThanOrEqual(WIDTH);
          if (printed.split('\n').length > 6) broken++;
        },
      ),
      { numRuns: 150 },
    );
    // The trees were big enough that many prints had to break lines.
    expect(broken).toBeGreaterThan(30);
  });

  it('a token longer than the limit sits alone on its line (indentation and a comma aside)', () => {
    const long = 's'.repeat(150);
    const source = `block t(x) {\n  y = x |> conv2d(filters: 64, kernel_size: 3, name: "${long}", padding: "same")\n  return y\n}\n`;
    const printed = format(source);
    const over = printed.split('\n').filter((l) => l.length > WIDTH);
    expect(over).toEqual([`        name: "${long}",`]);
    expect(format(printed)).toBe(printed);
  });

  it('the 199-column stage of the issue breaks its arguments, one per line', () => {
    // A stage written over several lines, that fmt used to join into one 199-column line.
    const source = [
      'model m(x: [32, 32, 3]) {',
      '  y = x',
      '    |> conv2d(',
      '      filters: 64, kernel_size: 3, stride: 2, padding: "same", use_bias: false,',
      '      activation: "relu", kernel_initializer: "he_normal", name: "stem_convolution_one"',
      '    )',
      '    |> batch_norm(name: "stem_bn")',
      '  return y',
      '}',
      '',
    ].join('\n');
    const stage =
      '    |> conv2d(filters: 64, kernel_size: 3, stride: 2, padding: "same", use_bias: false, activation: "relu", kernel_initializer: "he_normal", name: "stem_convolution_one")';
    expect(stage.length + 2).toBeGreaterThan(WIDTH); // as joined, past the limit
    expect(format(source)).toBe(
      [
        'model m(x: [32, 32, 3]) {',
        '  y = x',
        '      |> conv2d(',
        '        filters: 64,',
        '        kernel_size: 3,',
        '        stride: 2,',
        '        padding: "same",',
        '        use_bias: false,',
        '        activation: "relu",',
        '        kernel_initializer: "he_normal",',
        '        name: "stem_convolution_one",',
        '      )',
        '      |> batch_norm(name: "stem_bn")',
        '  return y',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('nested calls, long operator chains, conditionals and indexes break inside', () => {
    const arg = (i: number) => `some_rather_long_name_${i}`;
    const sum = Array.from({ length: 8 }, (_, i) => arg(i)).join(' + ');
    const source = `block t(a) {\n  x = f(g(${sum}), h(a ? ${sum} : ${arg(9)}), a[${sum}])\n}\n`;
    const printed = format(source);
    expect(widest(printed)).toBeLessThanOrEqual(WIDTH);
    expect(printed).toBe(
      [
        'block t(a) {',
        '  x = f(',
        '    g(',
        '      some_rather_long_name_0',
        '          + some_rather_long_name_1',
        '          + some_rather_long_name_2',
        '          + some_rather_long_name_3',
        '          + some_rather_long_name_4',
        '          + some_rather_long_name_5',
        '          + some_rather_long_name_6',
        '          + some_rather_long_name_7,',
        '    ),',
        '    h(',
        '      a',
        '          ? some_rather_long_name_0',
        '              + some_rather_long_name_1',
        '              + some_rather_long_name_2',
        '              + some_rather_long_name_3',
        '              + some_rather_long_name_4',
        '              + some_rather_long_name_5',
        '              + some_rather_long_name_6',
        '              + some_rather_long_name_7',
        '          : some_rather_long_name_9,',
        '    ),',
        '    a[',
        '      some_rather_long_name_0',
        '          + some_rather_long_name_1',
        '          + some_rather_long_name_2',
        '          + some_rather_long_name_3',
        '          + some_rather_long_name_4',
        '          + some_rather_long_name_5',
        '          + some_rather_long_name_6',
        '          + some_rather_long_name_7',
        '    ],',
        '  )',
        '}',
        '',
      ].join('\n'),
    );
    expect(format(printed)).toBe(printed);
  });

  it('long multi-value returns and parameter defaults break too', () => {
    const value = (i: number) => `out_${i}: x |> dense(${100 + i}, activation: "relu")`;
    const returns = Array.from({ length: 4 }, (_, i) => value(i)).join(', ');
    const list = Array.from({ length: 30 }, (_, i) => i * 1000).join(', ');
    const source = `model m(x: [4], widths = [${list}]) {\n  return ${returns}\n}\n`;
    const printed = format(source);
    expect(widest(printed)).toBeLessThanOrEqual(WIDTH);
    expect(format(printed)).toBe(printed);
    expect(stripLocs(parseClean(printed))).toEqual(stripLocs(parseClean(source)));
  });
});
