/** Learning-rate schedules against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import {
  checkPlan,
  describePlan,
  learningRateAt,
  parseSchedule,
  parseWarmup,
  type LrPlan,
  type RunLength,
} from '../../../runtime/train/schedules.js';

const rates = (plan: LrPlan, run: RunLength) =>
  Array.from({ length: run.epochs * run.stepsPerEpoch }, (_, s) => learningRateAt(plan, s, run));

describe('learningRateAt', () => {
  it('constant', () => {
    expect(
      rates({ base: 0.1, schedule: { kind: 'constant' } }, { epochs: 2, stepsPerEpoch: 2 }),
    ).toEqual([0.1, 0.1, 0.1, 0.1]);
  });

  it('step: times gamma every N epochs', () => {
    const plan: LrPlan = { base: 0.1, schedule: { kind: 'step', every: 2, gamma: 0.5 } };
    const got = rates(plan, { epochs: 5, stepsPerEpoch: 3 });
    const want = [
      0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025,
    ];
    got.forEach((r, i) => expect(r).toBeCloseTo(want[i], 12));
  });

  it('cosine: half a cosine from the base to MIN over the run', () => {
    // Four steps: t = 0, 1/4, 1/2, 3/4 of the way; (1 + cos(pi/4)) / 2 = 0.8535533905932737.
    const got = rates(
      { base: 1, schedule: { kind: 'cosine', min: 0 } },
      { epochs: 2, stepsPerEpoch: 2 },
    );
    [1, 0.8535533905932737, 0.5, 0.14644660940672627].forEach((w, i) =>
      expect(got[i]).toBeCloseTo(w, 12),
    );
  });

  it('linear warm-up in epochs, then constant', () => {
    const plan: LrPlan = {
      base: 0.2,
      schedule: { kind: 'constant' },
      warmup: { length: 1, unit: 'epochs' },
    };
    const got = rates(plan, { epochs: 2, stepsPerEpoch: 4 });
    [0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.2, 0.2].forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
  });

  it('warm-up in steps, then cosine over the rest of the run down to MIN', () => {
    const plan: LrPlan = {
      base: 1,
      schedule: { kind: 'cosine', min: 0.1 },
      warmup: { length: 2, unit: 'steps' },
    };
    // Steps 2..5 span the cosine: t = 0, 1/4, 1/2, 3/4; rate = 0.1 + 0.9 (1 + cos(pi t)) / 2.
    const want = [0.5, 1, 1, 0.1 + 0.9 * 0.8535533905932737, 0.55, 0.1 + 0.9 * 0.14644660940672627];
    const got = rates(plan, { epochs: 1, stepsPerEpoch: 6 });
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
  });

  it('warm-up scales the step schedule, whose epochs count from the start', () => {
    const plan: LrPlan = {
      base: 1,
      schedule: { kind: 'step', every: 1, gamma: 0.1 },
      warmup: { length: 3, unit: 'steps' },
    };
    const got = rates(plan, { epochs: 2, stepsPerEpoch: 2 });
    [1 / 3, 2 / 3, 0.1, 0.1].forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
  });
});

describe('parsing', () => {
  it('reads the schedules and warm-ups', () => {
    expect(parseSchedule('constant')).toEqual({ kind: 'constant' });
    expect(parseSchedule('step:10')).toEqual({ kind: 'step', every: 10, gamma: 0.1 });
    expect(parseSchedule('step:30:0.2')).toEqual({ kind: 'step', every: 30, gamma: 0.2 });
    expect(parseSchedule('cosine')).toEqual({ kind: 'cosine', min: 0 });
    expect(parseSchedule('cosine:1e-5')).toEqual({ kind: 'cosine', min: 1e-5 });
    expect(parseSchedule('cosine:0')).toEqual({ kind: 'cosine', min: 0 });
    expect(parseWarmup('2')).toEqual({ length: 2, unit: 'epochs' });
    expect(parseWarmup('1epoch')).toEqual({ length: 1, unit: 'epochs' });
    expect(parseWarmup('500steps')).toEqual({ length: 500, unit: 'steps' });
  });

  it.each([
    [
      'linear',
      /unknown schedule 'linear' \(expected constant, step:N\[:GAMMA\] or cosine\[:MIN\]\)/,
    ],
    ['step', /needs the epochs between steps/],
    ['step:0', /N \(epochs between steps\) must be a positive integer, not '0'/],
    ['step:2.5', /positive integer, not '2.5'/],
    ['step:10:x', /GAMMA must be a positive number, not 'x'/],
    ['step:10:0.1:3', /too many ':' parts/],
    ['cosine:-1', /MIN must be a positive number, not '-1'/],
    ['constant:1', /too many/],
    ['', /unknown schedule ''/],
  ])('rejects schedule %j', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(message);
  });

  it.each(['0', '-1', '2.5', 'two', '3 minutes', ''])('rejects warm-up %j', (text) => {
    expect(() => parseWarmup(text)).toThrow(/is not K, Kepochs or Ksteps/);
  });

  it('checks the plan against the run and describes it', () => {
    const cosine: LrPlan = { base: 0.01, schedule: { kind: 'cosine', min: 0.1 } };
    expect(() => checkPlan(cosine, 10)).toThrow(/MIN must be below the learning rate 0.01/);
    const warm: LrPlan = {
      base: 0.1,
      schedule: { kind: 'constant' },
      warmup: { length: 3, unit: 'epochs' },
    };
    expect(() => checkPlan(warm, 3)).toThrow(/warm-up of 3 epochs leaves nothing of 3 epochs/);
    expect(() => checkPlan(warm, 4)).not.toThrow();
    expect(describePlan(warm)).toBe('constant after 3 warm-up epochs');
    expect(describePlan({ base: 1, schedule: { kind: 'step', every: 1, gamma: 0.5 } })).toBe(
      'times 0.5 every 1 epoch',
    );
    expect(
      describePlan({
        base: 1,
        schedule: { kind: 'cosine', min: 0 },
        warmup: { length: 1, unit: 'steps' },
      }),
    ).toBe('cosine to 0 after 1 warm-up step');
  });
});
