/**
 * Learning-rate schedules: pure functions from the step to the learning rate. A schedule is
 * `constant`, `step` (times GAMMA every N epochs, PyTorch's StepLR) or `cosine` (from the base
 * rate down to MIN over the run, PyTorch's CosineAnnealingLR, evaluated per step), optionally
 * after a linear warm-up of K epochs or K steps.
 *
 * The command-line syntax (`--schedule`, `--warmup`), parsed by `parseSchedule` and
 * `parseWarmup`:
 *
 * - `constant`: the base rate throughout (the default);
 * - `step:N` or `step:N:GAMMA`: the base rate times GAMMA (default 0.1) after every N epochs,
 *   counted from the start of training (warm-up included);
 * - `cosine` or `cosine:MIN`: half a cosine from the base rate at the end of the warm-up to
 *   MIN (default 0) at the end of the last epoch;
 * - `--warmup K` (K epochs) or `--warmup Ksteps`: during the first K epochs (steps) the rate
 *   climbs linearly, step s (0-based) getting (s + 1) / W of the scheduled rate, W the warm-up
 *   steps; so the first step already moves, and step W - 1 has the full rate.
 */

/** What follows the warm-up. */
export type Schedule =
  | { readonly kind: 'constant' }
  | { readonly kind: 'step'; readonly every: number; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly min: number };

/** A linear warm-up, in epochs or steps. */
export interface Warmup {
  readonly length: number;
  readonly unit: 'epochs' | 'steps';
}

/** A whole plan: the base rate, the schedule, the warm-up. */
export interface LrPlan {
  readonly base: number;
  readonly schedule: Schedule;
  readonly warmup?: Warmup;
}

/** The length of the run the plan is evaluated over. */
export interface RunLength {
  readonly epochs: number;
  /** Optimizer steps (batches) per epoch. */
  readonly stepsPerEpoch: number;
}

/** A schedule or warm-up that does not parse (the CLI reports it as a usage error). */
export class ScheduleSyntaxError extends Error {
  override name = 'ScheduleSyntaxError';
}

/** The warm-up's length in steps. */
export function warmupSteps(warmup: Warmup | undefined, run: RunLength): number {
  if (!warmup) return 0;
  return warmup.unit === 'steps' ? warmup.length : warmup.length * run.stepsPerEpoch;
}

/** The learning rate of step `step` (0-based over the whole run). */
export function learningRateAt(plan: LrPlan, step: number, run: RunLength): number {
  const { base, schedule } = plan;
  const w = warmupSteps(plan.warmup, run);
  const ramp = step < w ? (step + 1) / w : 1;
  const epoch = Math.floor(step / run.stepsPerEpoch);
  switch (schedule.kind) {
    case 'constant':
      return base * ramp;
    case 'step':
      return base * schedule.gamma ** Math.floor(epoch / schedule.every) * ramp;
    case 'cosine': {
      const span = run.epochs * run.stepsPerEpoch - w;
      if (step < w || span <= 0) return base * ramp;
      const t = Math.min(1, (step - w) / span);
      return schedule.min + ((base - schedule.min) * (1 + Math.cos(Math.PI * t))) / 2;
    }
  }
}

function positive(text: string, what: string, integer: boolean): number {
  const n = /^[0-9.eE+-]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new ScheduleSyntaxError(
      `${what} must be a positive ${integer ? 'integer' : 'number'}, not '${text}'`,
    );
  }
  return n;
}

const SCHEDULE_SYNTAX = 'constant, step:N[:GAMMA] or cosine[:MIN]';

/** `constant`, `step:N[:GAMMA]`, `cosine[:MIN]` (see the module comment). */
export function parseSchedule(text: string): Schedule {
  const [kind, ...args] = text.trim().split(':');
  const arity = (max: number) => {
    if (args.length > max)
      throw new ScheduleSyntaxError(
        `'${text}' has too many ':' parts (expected ${SCHEDULE_SYNTAX})`,
      );
  };
  switch (kind) {
    case 'constant':
      arity(0);
      return { kind: 'constant' };
    case 'step': {
      arity(2);
      if (args.length === 0)
        throw new ScheduleSyntaxError(`'${text}' needs the epochs between steps: step:N[:GAMMA]`);
      const every = positive(args[0], `step:N: N (epochs between steps)`, true);
      const gamma = args.length > 1 ? positive(args[1], 'step:N:GAMMA: GAMMA', false) : 0.1;
      return { kind: 'step', every, gamma };
    }
    case 'cosine': {
      arity(1);
      if (args.length === 0) return { kind: 'cosine', min: 0 };
      const min = args[0] === '0' ? 0 : positive(args[0], 'cosine:MIN: MIN', false);
      return { kind: 'cosine', min };
    }
    default:
      throw new ScheduleSyntaxError(`unknown schedule '${text}' (expected ${SCHEDULE_SYNTAX})`);
  }
}

/** `K` (epochs), `Kepochs` or `Ksteps`. */
export function parseWarmup(text: string): Warmup {
  const m = /^\s*([0-9]+)\s*(epochs?|steps?)?\s*$/.exec(text);
  if (!m || Number(m[1]) < 1) {
    throw new ScheduleSyntaxError(
      `warm-up '${text}' is not K, Kepochs or Ksteps with K a positive integer`,
    );
  }
  return { length: Number(m[1]), unit: m[2]?.startsWith('step') ? 'steps' : 'epochs' };
}

/** Checks the plan against the run: the base above MIN, a warm-up shorter than the run. */
export function checkPlan(plan: LrPlan, epochs: number): void {
  const { schedule, warmup } = plan;
  if (schedule.kind === 'cosine' && schedule.min >= plan.base) {
    throw new ScheduleSyntaxError(
      `cosine:${schedule.min}: MIN must be below the learning rate ${plan.base}`,
    );
  }
  if (warmup?.unit === 'epochs' && warmup.length >= epochs) {
    throw new ScheduleSyntaxError(
      `a warm-up of ${warmup.length} epoch${warmup.length === 1 ? '' : 's'} leaves nothing of ${epochs} epoch${epochs === 1 ? '' : 's'}`,
    );
  }
}

/** `cosine to 0 after 2 warm-up epochs`, for the report. */
export function describePlan(plan: LrPlan): string {
  const { schedule, warmup } = plan;
  const what =
    schedule.kind === 'constant'
      ? 'constant'
      : schedule.kind === 'step'
        ? `times ${schedule.gamma} every ${schedule.every} epoch${schedule.every === 1 ? '' : 's'}`
        : `cosine to ${schedule.min}`;
  if (!warmup) return what;
  const unit = warmup.length === 1 ? warmup.unit.slice(0, -1) : warmup.unit;
  return `${what} after ${warmup.length} warm-up ${unit}`;
}
