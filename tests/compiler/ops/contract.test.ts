/**
 * The op contract table (tests/compiler/ops/cases.ts) against the registry rules, without tensors:
 * output shape, weights (names, shapes, trainability), parameter counts, MACs, warnings, and the
 * diagnostics of bad arguments. Also: every op of the registry has cases, and small ones that
 * the tensor-level suites run.
 */
import { describe, expect, it } from 'vitest';
import { activationOps, leakyRelu } from '../../../compiler/ops/activations.js';
import { input } from '../../../compiler/ops/input.js';
import { add, multiply, subtract } from '../../../compiler/ops/merging.js';
import type { OpDef } from '../../../compiler/ops/op.js';
import { allOps, getOp } from '../../../compiler/ops/registry.js';
import { activationNames, caseTitle, opCases, runCases, type OpCase } from './cases.js';
import { apply, attrsOf, opError, weightShapes } from './helpers.js';

const opOf = (c: OpCase): OpDef => {
  const op = getOp(c.op);
  if (!op) throw new Error(`no op ${c.op} in the registry`);
  return op;
};

describe('the table covers the registry', () => {
  it.each(allOps.map((op) => [op.name]))('%s has cases, and one that runs on tensors', (name) => {
    expect(
      opCases.some((c) => c.op === name),
      `no case for ${name} in tests/compiler/ops/cases.ts`,
    ).toBe(true);
    // `input` runs in every case: it is each graph's input.
    if (name !== 'input') {
      expect(
        runCases.some((c) => c.op === name),
        `no run case for ${name}`,
      ).toBe(true);
    }
  });

  it('every op has a tfjs and an ONNX lowering', () => {
    for (const op of allOps) {
      expect(op.tfjs, op.name).toBeTypeOf('function');
      expect(op.onnx, op.name).toBeDefined();
    }
  });

  it('names only registry ops', () => {
    expect(opCases.filter((c) => !getOp(c.op)).map((c) => c.op)).toEqual([]);
  });

  it('run cases declare every figure, and give no error', () => {
    for (const c of runCases) {
      const t = caseTitle(c);
      expect(c.error, t).toBeUndefined();
      expect(c.shape, t).toBeDefined();
      expect(c.params, t).toBeTypeOf('number');
      expect(c.trainable, t).toBeTypeOf('number');
      expect(c.macs, t).not.toBeUndefined();
      expect(c.weights, t).toBeDefined();
    }
  });
});

describe.each(opCases.map((c) => [caseTitle(c), c] as const))('%s', (_title, c) => {
  const op = opOf(c);
  const args = c.args ?? {};

  if (c.error) {
    const want = c.error;
    if (c.shape) {
      it('has the shape', () => expect(op.shape(c.inputs, attrsOf(op, args))).toEqual(c.shape));
    }
    it(`fails with ${want.code}${want.param ? ` on '${want.param}'` : ''}`, () => {
      const e = opError(() => apply(op, [...c.inputs], args));
      expect(e.code).toBe(want.code);
      if (want.param !== undefined) expect(e.param).toBe(want.param);
      if (want.message !== undefined) expect(e.message).toBe(want.message);
      for (const s of want.contains ?? []) expect(e.message).toContain(s);
      if (want.notes !== undefined) expect(e.notes.join('\n')).toContain(want.notes);
    });
    return;
  }

  it('gives the declared shape, weights, params and MACs', () => {
    const r = apply(op, [...c.inputs], args);
    if (c.shape) expect(r.shape).toEqual(c.shape);
    if (c.weights) expect(weightShapes(r.weights)).toEqual(c.weights);
    if (c.params !== undefined) expect(r.params).toBe(c.params);
    if (c.trainable !== undefined) expect(r.trainable).toBe(c.trainable);
    if (c.macs !== undefined) expect(r.macs).toBe(c.macs);
    if (c.warnings !== undefined) {
      expect(op.warnings?.(c.inputs, attrsOf(op, args)) ?? []).toHaveLength(c.warnings);
    }
  });
});

describe('op properties outside the cases', () => {
  it('has the ten activations, each in the activation category', () => {
    expect(activationOps.map((op) => op.name)).toEqual([...activationNames]);
    for (const op of activationOps) expect(op.category).toBe('activation');
  });

  it('leaky_relu defaults alpha to 0.3', () => {
    expect(leakyRelu.params.find((p) => p.name === 'alpha')?.default).toBe(0.3);
  });

  it('merges have the right arity; input takes none', () => {
    expect(add.inputs).toEqual({ min: 2, max: Infinity });
    expect(multiply.inputs).toEqual({ min: 2, max: Infinity });
    expect(subtract.inputs).toEqual({ min: 2, max: 2 });
    expect(input.inputs).toEqual({ min: 0, max: 0 });
  });
});
