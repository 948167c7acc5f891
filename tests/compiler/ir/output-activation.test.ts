import { describe, expect, it } from 'vitest';
import { checkSource } from '../../../compiler/compile.js';
import { outputActivation } from '../../../compiler/ir/output-activation.js';
import { Source } from '../../../compiler/source.js';

/** The activation of each output of a one-model source. */
function activations(body: string, input = '[6]') {
  const r = checkSource(new Source('t.net', `model m(x: ${input}) {\n${body}\n}\n`));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  const g = r.graphs[0];
  return g.outputs.map((p) => outputActivation(g, p));
}

describe('outputActivation', () => {
  it('names a softmax op, a fused softmax or sigmoid, and looks through dropout', () => {
    expect(activations('  return x |> dense(3) |> softmax')).toEqual([
      { kind: 'softmax', producer: 'softmax' },
    ]);
    expect(activations('  return x |> dense(3, activation: "softmax") |> dropout(0.5)')).toEqual([
      { kind: 'softmax', producer: 'dense (activation "softmax")' },
    ]);
    expect(activations('  return x |> dense(1) |> sigmoid')).toEqual([
      { kind: 'sigmoid', producer: 'sigmoid' },
    ]);
    expect(activations('  return x |> dense(1, activation: "sigmoid")')).toEqual([
      { kind: 'sigmoid', producer: 'dense (activation "sigmoid")' },
    ]);
  });

  it('anything else is other: a linear dense, a relu, a softmax over another axis', () => {
    expect(activations('  return x |> dense(3)')).toEqual([{ kind: 'other', producer: 'dense' }]);
    expect(activations('  return x |> dense(3, activation: "relu")')).toEqual([
      { kind: 'other', producer: 'dense (activation "relu")' },
    ]);
    expect(activations('  return x |> softmax(axis: 0)', '[4, 3]')).toEqual([
      { kind: 'other', producer: 'softmax (not on the last axis)' },
    ]);
    expect(activations('  return x |> softmax(axis: 1)', '[4, 3]')[0].kind).toBe('softmax');
  });

  it('reads each output on its own', () => {
    const got = activations('  h = x |> dense(4)\n  return a: h |> softmax, b: h |> dense(2)');
    expect(got.map((a) => a.kind)).toEqual(['softmax', 'other']);
  });
});
