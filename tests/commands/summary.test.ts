import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { packageRoot } from '../../compiler/package-root.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      color: false,
    },
    out,
    err,
  };
}

const sample = (f: string): string => join(packageRoot(), 'samples', f);

describe('netc summary', () => {
  it('prints every layer without --depth', async () => {
    const c = capture();
    expect(await main(['summary', sample('mlp_mnist.net')], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toContain('Total params:                669,706');
    // 784-512-512-10 with two dropouts: input + 3 dense + 2 dropout rows.
    expect(text.split('\n').filter((l) => /^\S+\s+(input|dense|dropout)\s/.test(l))).toHaveLength(
      6,
    );
  });

  it('gives the JSON keys, null batch dims and null MACs for unknown input dims', async () => {
    const c = capture();
    expect(await main(['summary', sample('irv2_finetune.net'), '--json'], c.io)).toBe(0);
    const j = JSON.parse(c.out.join('\n'));
    expect(Object.keys(j).slice(0, 8)).toEqual([
      'model',
      'inputs',
      'outputs',
      'layers',
      'totalParams',
      'trainableParams',
      'nonTrainableParams',
      'macs',
    ]);
    expect(j.inputs).toEqual([{ name: 'image', shape: [null, null, null, 3] }]);
    expect(j.outputs[0].shape).toEqual([null, 10]);
    expect(j.totalParams).toBe(55_920_874);
    expect(j.macs).toBeNull();
  });

  it('rejects a bad --depth with exit 2', async () => {
    const c = capture();
    expect(await main(['summary', sample('mlp_mnist.net'), '--depth', '0'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain("--depth must be a positive integer, found '0'");
  });
});
