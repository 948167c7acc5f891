import { describe, expect, it } from 'vitest';
import { movingStatsWarmup, warmupNote } from '../../../api/index.js';
import { checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';

const graphOf = (body: string) => {
  const r = checkSource(new Source('t.net', `model m(x: [4]) {\n${body}\n}\n`));
  if (!r.ok) throw new Error('does not compile');
  return r.graphs[0];
};

describe('batch norm warm-up', () => {
  const g = graphOf(
    '  return x |> dense(4) |> batch_norm |> dense(3) |> batch_norm(momentum: 0.9) |> dense(2)',
  );

  it('reports the slowest momentum and momentum^steps', () => {
    const w = movingStatsWarmup(g, 20)!;
    expect(w).toMatchObject({ momentum: 0.99, layers: 1, allLayers: 2, steps: 20 });
    expect(w.remaining).toBeCloseTo(0.8179069376, 9); // 0.99^20
    // ln 0.05 / ln 0.99 = 298.07: 299 steps.
    expect(warmupNote(w)).toBe(
      'batch norm moving statistics: 0.99^20 = 81.8% of their starting values remain after 20 steps (1 of 2 layers at momentum 0.99); inference and validation use them: about 299 steps bring it under 5%, or lower the momentum',
    );
  });

  it('no note once under the limit, or without batch norm', () => {
    expect(movingStatsWarmup(g, 299)!.remaining).toBeLessThan(0.05);
    expect(warmupNote(movingStatsWarmup(g, 299))).toBeNull();
    expect(warmupNote(movingStatsWarmup(g, 298))).not.toBeNull();
    expect(movingStatsWarmup(graphOf('  return x |> dense(2)'), 5)).toBeNull();
    // The D2L convention: momentum 0.9 converges in 29 steps (0.9^29 = 0.047).
    const d2l = graphOf('  return x |> batch_norm(momentum: 0.9)');
    expect(warmupNote(movingStatsWarmup(d2l, 28))).toContain('about 29 steps');
    expect(warmupNote(movingStatsWarmup(d2l, 29))).toBeNull();
  });
});
