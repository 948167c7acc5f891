/**
 * The training progress of `netc train`: on a terminal (`Output.status`), one line per epoch
 * that updates in place (a bar, batches done, loss, metrics, examples per second, the epoch's
 * time left and, before the last epoch, the run's), replaced by the epoch's final line (time,
 * examples per second, figures) when it ends; elsewhere only the final lines, one per epoch. No dependency: ~60 lines beat a
 * progress-bar package here (one bar, no multi-line layout, tests drive it with a fake clock).
 */
import type { Output } from './io.js';

export type Logs = Readonly<Record<string, number | undefined>>;

const BAR = 20;
/** The in-place line is redrawn at most this often (writes to a terminal are not free). */
const REDRAW_MS = 100;

/** `0.4321`; small values in exponent form; NaN and infinities as words. */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4);
}

/** `9.3s`, `2m05s`, `1h02m` */
export function formatSeconds(ms: number): string {
  const s = Math.max(0, ms / 1000);
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `1234 ex/s`, `8.5 ex/s` */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '- ex/s';
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)} ex/s`;
}

/** `  acc 0.8750  val_loss 0.5012...`: training metrics first, then the validation ones. */
function metrics(logs: Logs): string {
  const entries = Object.entries(logs).filter(
    (e): e is [string, number] => typeof e[1] === 'number',
  );
  const val = (k: string) => (k.startsWith('val_') ? 1 : 0);
  return entries
    .sort((a, b) => val(a[0]) - val(b[0]))
    .map(([k, v]) => `  ${k} ${formatMetric(v)}`)
    .join('');
}

export class TrainingProgress {
  private epochNumber = 0;
  /** Batches done in the current epoch (fewer than `batches` when training stopped early). */
  private done = 0;
  /** Examples done in the current epoch. */
  private seen = 0;
  private epochStart = 0;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly io: Output,
    private readonly epochs: number,
    private readonly batches: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The current epoch, 1-based. */
  get epoch(): number {
    return this.epochNumber;
  }

  private get label(): string {
    return `epoch ${this.epochNumber}/${this.epochs}`;
  }

  epochBegin(epoch: number): void {
    this.epochNumber = epoch + 1;
    this.epochStart = this.now();
    this.lastDraw = -Infinity;
    this.done = 0;
    this.seen = 0;
  }

  private rate(t: number): string {
    return formatRate(this.seen / ((t - this.epochStart) / 1000));
  }

  /** After batch `batch` (0-based) of the current epoch. */
  batchEnd(batch: number, logs: Logs): void {
    const done = (this.done = batch + 1);
    this.seen += typeof logs.size === 'number' ? logs.size : 0;
    const status = this.io.status;
    if (!status) return;
    const t = this.now();
    if (done < this.batches && t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    const filled = Math.round((BAR * done) / this.batches);
    let bar = '='.repeat(filled);
    if (done < this.batches && filled > 0) bar = `${bar.slice(0, -1)}>`;
    const perBatch = (t - this.epochStart) / done;
    const left = perBatch * (this.batches - done);
    const more = this.epochs - this.epochNumber;
    const run = more > 0 ? ` (run ${formatSeconds(left + more * perBatch * this.batches)})` : '';
    // tfjs's batch logs also hold the batch index and size.
    const { loss, batch: _b, size: _s, ...rest } = logs;
    const lossText = typeof loss === 'number' ? `  loss ${formatMetric(loss)}` : '';
    const line = `${this.label} [${bar.padEnd(BAR)}] ${done}/${this.batches}${lossText}${metrics(rest)}  ${this.rate(t)}  ETA ${formatSeconds(left)}${run}`;
    status(`\r\x1b[K${line}`);
    this.drawn = true;
  }

  /** The epoch's final line (with the validation metrics); replaces the in-place line. */
  epochEnd(logs: Logs): void {
    this.clear();
    const { loss, ...rest } = logs;
    const lossText = typeof loss === 'number' ? `  loss ${formatMetric(loss)}` : '';
    const t = this.now();
    const took = formatSeconds(t - this.epochStart);
    const rate = this.seen > 0 ? `  ${this.rate(t)}` : '';
    this.io.out(
      `${this.label}  ${this.done}/${this.batches}  ${took}${rate}${lossText}${metrics(rest)}`,
    );
  }

  /** Erases the in-place line, if one is showing (before an error message, say). */
  clear(): void {
    if (this.drawn) this.io.status?.('\r\x1b[K');
    this.drawn = false;
  }
}
