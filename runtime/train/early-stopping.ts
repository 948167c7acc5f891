/**
 * Early stopping: `--early-stopping METRIC:PATIENCE` watches one figure of the epoch logs and stops
 * training after PATIENCE epochs in a row without a strict improvement. The direction follows
 * from the metric: a name with `acc` in it (accuracy, val_accuracy, val_acc) should grow,
 * anything else (loss, val_loss, mse) shrink; `METRIC:PATIENCE:max` or `:min` says it outright.
 * A NaN never counts as an improvement. Pure bookkeeping: the caller keeps the best weights
 * when `update` says `improved` and puts them back at the end.
 */

export interface EarlyStopSpec {
  readonly metric: string;
  readonly patience: number;
  readonly mode: 'min' | 'max';
}

/** A spec that does not parse (the CLI reports it as a usage error). */
export class EarlyStopSyntaxError extends Error {
  override name = 'EarlyStopSyntaxError';
}

/** `val_loss:3`, `val_accuracy:2`, `loss:5:min`. */
export function parseEarlyStop(text: string): EarlyStopSpec {
  const m = /^([A-Za-z_][A-Za-z0-9_]*):([0-9]+)(?::(min|max))?$/.exec(text.trim());
  if (!m || Number(m[2]) < 1) {
    throw new EarlyStopSyntaxError(
      `'${text}' is not METRIC:PATIENCE[:min|max] (e.g. val_loss:3), PATIENCE a positive integer`,
    );
  }
  const metric = m[1];
  const mode = (m[3] as 'min' | 'max' | undefined) ?? (/acc/i.test(metric) ? 'max' : 'min');
  return { metric, patience: Number(m[2]), mode };
}

/** What one epoch did to the watch. */
export type Verdict = 'improved' | 'waiting' | 'stop';

/** The watch's state, for a checkpoint (JSON: `best` may be null before the first epoch). */
export interface EarlyStopState {
  readonly best: number | null;
  readonly bestEpoch: number;
  readonly wait: number;
}

export class EarlyStopping {
  private best: number | undefined;
  private bestAt = 0;
  private waited = 0;

  constructor(
    readonly spec: EarlyStopSpec,
    state?: EarlyStopState,
  ) {
    if (state) {
      this.best = state.best ?? undefined;
      this.bestAt = state.bestEpoch;
      this.waited = state.wait;
    }
  }

  /**
   * Throws unless the logs will hold the metric (`available`: the names of the epoch logs),
   * with the names they do hold.
   */
  check(available: readonly string[]): void {
    if (available.includes(this.spec.metric)) return;
    const val = this.spec.metric.startsWith('val_')
      ? ' (validation figures need --validation-split or --val-x/--val-y)'
      : '';
    throw new EarlyStopSyntaxError(
      `--early-stopping watches '${this.spec.metric}', which this run does not log${val}; it logs ${available.join(', ')}`,
    );
  }

  /** After epoch `epoch` (1-based) with these logs. */
  update(epoch: number, logs: Readonly<Record<string, number | undefined>>): Verdict {
    const v = logs[this.spec.metric];
    const better =
      typeof v === 'number' &&
      !Number.isNaN(v) &&
      (this.best === undefined || (this.spec.mode === 'min' ? v < this.best : v > this.best));
    if (better) {
      this.best = v;
      this.bestAt = epoch;
      this.waited = 0;
      return 'improved';
    }
    this.waited++;
    return this.waited >= this.spec.patience ? 'stop' : 'waiting';
  }

  /** The best value so far (undefined before any finite one). */
  get bestValue(): number | undefined {
    return this.best;
  }

  /** The 1-based epoch of the best value (0 before any). */
  get bestEpoch(): number {
    return this.bestAt;
  }

  get state(): EarlyStopState {
    return { best: this.best ?? null, bestEpoch: this.bestAt, wait: this.waited };
  }

  /** `val_loss did not improve for 3 epochs`, for the report. */
  describeStop(): string {
    const n = this.spec.patience;
    return `${this.spec.metric} did not improve for ${n} epoch${n === 1 ? '' : 's'}`;
  }
}
