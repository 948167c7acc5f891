import { describe, expect, it } from 'vitest';
import { summaryJson } from '../../cli/commands/summary.js';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';
import { jsonCount, summarize } from '../../compiler/summary.js';
import { renderSummary } from '../../compiler/summary-table.js';

const graphOf = (text: string) => {
  const r = checkSource(new Source('t.net', text));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graphs[0];
};

// a: 2^30 positions * 1,024 features * 16,384 units = 2^54 MACs; b: 3 * 1 = 3 MACs.
// Their sum, 2^54 + 3 = 18,014,398,509,481,987, is not a double: floats give ...988.
// c: (2^52 + 1) positions * 2 features * 3 units = 27,021,597,764,222,982 (floats: ...984).
const text = [
  'model big(x: [1073741824, 1024], y: [3], z: [4503599627370497, 2]) {',
  '  return a: x |> dense(16384), b: y |> dense(1), c: z |> dense(3)',
  '}',
  '',
].join('\n');
const total = 2n ** 54n + 3n + (2n ** 52n + 1n) * 6n;

describe('MACs past 2^53', () => {
  it('are counted exactly, per layer and in total', () => {
    const s = summarize(graphOf(text));
    const macs = Object.fromEntries(s.layers.map((l) => [l.name, l.macs]));
    expect(macs).toMatchObject({
      dense_0: 18_014_398_509_481_984n,
      dense_1: 3n,
      dense_2: 27_021_597_764_222_982n,
    });
    expect(s.macs).toBe(total);
    expect(total).toBe(45_035_996_273_704_969n);
    // The float sum of the same layers is off: the reason they are bigints.
    expect(2 ** 54 + 3 + (2 ** 52 + 1) * 6).not.toBe(Number(total));
  });

  it('print every digit in the summary table', () => {
    const table = renderSummary(summarize(graphOf(text)));
    expect(table).toMatch(/MACs \(batch 1\): +45\.04 P \(45,035,996,273,704,969\)/);
  });

  it('go into JSON as a string once past 2^53 - 1, as a number below', () => {
    const json = JSON.parse(JSON.stringify(summaryJson(summarize(graphOf(text))))) as {
      macs: unknown;
      layers: { name: string; macs: unknown }[];
    };
    expect(json.macs).toBe('45035996273704969');
    expect(json.layers.map((l) => l.macs)).toEqual([
      0,
      0,
      0,
      '18014398509481984',
      3,
      '27021597764222982',
    ]);
    expect(jsonCount(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(jsonCount(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toBe('9007199254740992');
    expect(jsonCount(null)).toBeNull();
  });
});
