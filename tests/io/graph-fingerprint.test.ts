/**
 * graphFingerprint: the same computation gives the same fingerprint whatever the source's
 * layout, model name or output names; any change to what the weights mean (an op, a size, an
 * attribute, a node name, the wiring, the optimized graph) gives another.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { optimizeForInference } from '../../compiler/passes/index.js';
import { FINGERPRINT_KEY, graphFingerprint, withFingerprint } from '../../io/graph-fingerprint.js';
import { graphOfText } from '../compiler/passes/helpers.js';

const base = `model m(x: [8]) {
  return y: x |> dense(4, activation: "relu") |> dense(2)
}`;
const fp = (text: string) => graphFingerprint(graphOfText(text));

describe('graphFingerprint', () => {
  it('is 16 hex digits, the same for the same graph', () => {
    expect(fp(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(fp(base)).toBe(fp(base));
  });

  it('ignores comments, layout, the model name and the output name', () => {
    const same = `# a comment
model other(x: [8]) {
  # another
  return out: x
    |> dense(4, activation: "relu")
    |> dense(2)
}`;
    expect(fp(same)).toBe(fp(base));
  });

  it.each([
    ['a size', base.replace('dense(2)', 'dense(3)')],
    ['an input size', base.replace('[8]', '[9]')],
    ['an attribute', base.replace('"relu"', '"tanh"')],
    ['a node name', base.replace('dense(2)', 'dense(2, name: "head")')],
    ['an op', base.replace('dense(2)', 'dense(2) |> softmax()')],
  ])('changes with %s', (_, text) => {
    expect(fp(text)).not.toBe(fp(base));
  });

  it('differs between a graph and its optimized form when the passes change it', () => {
    const graph = graphOfText(`model m(x: [8, 8, 3]) {
  return y: x |> conv2d(4, 3) |> batch_norm() |> relu()
}`);
    const optimized = optimizeForInference(graph).graph;
    expect(graphFingerprint(optimized)).not.toBe(graphFingerprint(graph));
    expect(graphFingerprint(optimizeForInference(graph).graph)).toBe(graphFingerprint(optimized));
  });

  it('is not a hash of the text alone: it is not the hash of the source', () => {
    const digest = createHash('sha256').update(base).digest('hex').slice(0, 16);
    expect(fp(base)).not.toBe(digest);
  });

  it('withFingerprint adds it to metadata, replacing a stale one', () => {
    const graph = graphOfText(base);
    expect(withFingerprint(graph, { a: 'b', [FINGERPRINT_KEY]: 'stale' })).toEqual({
      a: 'b',
      [FINGERPRINT_KEY]: graphFingerprint(graph),
    });
  });
});
