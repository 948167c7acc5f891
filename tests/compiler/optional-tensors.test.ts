/**
 * An optional tensor argument compared with `none` (issue 13: "operator '!=' is not defined for
 * tensor [64] and none"): `==` and `!=` with `none` are bools, so a block can branch on whether
 * it was given a tensor; other operators stay located errors.
 */
import { describe, expect, it } from 'vitest';
import { compile, compileDocExample } from './doc-blocks.js';

describe('comparing a tensor with none', () => {
  const cell = `block cell(x, h = none) {
  y = x |> dense(64)
  if h != none {
    y = y + h
  }
  return none == h ? y : y * h
}
model m(x: [8], s: [64]) {
  return a: cell(x), b: cell(x, s)
}
`;

  it('takes the branch for a given tensor and skips it for none', () => {
    const { graph, errors } = compile(cell);
    expect(errors).toEqual([]);
    // cell(x): dense only; cell(x, s): dense, add (the if), multiply (the conditional).
    expect(graph!.nodes.map((n) => `${n.name}:${n.op}`)).toEqual([
      'x:input',
      's:input',
      'cell_0.dense_0:dense',
      'cell_1.dense_0:dense',
      'cell_1.add_0:add',
      'cell_1.multiply_0:multiply',
    ]);
  });

  it.each([
    // `  return x < none` : the operator is at column 12.
    ['x < none', 12, "operator '<' is not defined for tensor [64] and none"],
    ['x + none', 12, "operator '+' is not defined for tensor [64] and none"],
    ['x == x', 12, "operator '==' is not defined for tensor [64] and tensor [64]"],
  ])('%s is still E2001 at 2:%i', (expr, column, message) => {
    const { errors } = compile(`model m(x: [64]) {\n  return ${expr}\n}\n`);
    expect(errors).toEqual([['E2001', 2, column, message]]);
  });

  it('compiles the docs example both ways', () => {
    const graph = compileDocExample(
      'gated',
      'model m(x: [16], g: [16]) {\n  return a: gated(x), b: gated(x, g)\n}\n',
    );
    expect(graph.nodes.filter((n) => n.op === 'multiply').map((n) => n.name)).toEqual([
      'gated_1.multiply_0',
    ]);
  });
});
