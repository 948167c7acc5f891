/**
 * The training log of `--log PATH`: one record per epoch (epoch, loss, metrics, validation
 * figures, learning rate, seconds, examples per second), as JSON Lines, or CSV when the path
 * ends in `.csv`. The whole file is rewritten atomically after every epoch from the history, so
 * it is never half-written and a resumed run's log holds the epochs before the resume too.
 * JSON has no NaN: a NaN or infinite figure is `null` in JSONL; CSV writes `NaN`, `Infinity`,
 * `-Infinity` (which pandas and spreadsheets read).
 */
import { writeFileAtomic } from '../../io/atomic-write.js';

/** One epoch's figures; `epoch` is 1-based. */
export type LogRecord = Readonly<Record<string, number>>;

export type LogFormat = 'jsonl' | 'csv';

/** CSV for a path ending in `.csv` (any case), else JSON Lines. */
export function logFormat(path: string): LogFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

/** Where a column goes: epoch, training figures, validation ones, then the run's own. */
function rank(key: string): number {
  if (key === 'epoch') return 0;
  if (key === 'loss') return 1;
  if (key === 'val_loss') return 3;
  if (key.startsWith('val_')) return 4;
  if (key === 'lr' || key === 'seconds' || key === 'examples_per_second') return 5;
  return 2;
}
const TAIL = ['lr', 'seconds', 'examples_per_second'];

/** Every key of the records, in column order (stable: first seen first within a group). */
export function logColumns(records: readonly LogRecord[]): string[] {
  const seen: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!seen.includes(k)) seen.push(k);
  return seen
    .map((k, i) => ({ k, i }))
    .sort(
      (a, b) =>
        rank(a.k) - rank(b.k) ||
        (rank(a.k) === 5 ? TAIL.indexOf(a.k) - TAIL.indexOf(b.k) : a.i - b.i),
    )
    .map((e) => e.k);
}

/** JSON Lines, one object per record, keys in column order. */
export function renderJsonl(records: readonly LogRecord[]): string {
  const columns = logColumns(records);
  return records
    .map((r) => {
      const row = columns
        .filter((k) => k in r)
        .map(
          (k) => `${JSON.stringify(k)}:${Number.isFinite(r[k]) ? JSON.stringify(r[k]) : 'null'}`,
        );
      return `{${row.join(',')}}\n`;
    })
    .join('');
}

/** Quotes a CSV field when it holds a comma, a quote or a line break. */
const csvField = (text: string): string =>
  /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;

/** CSV with a header row; a figure a record lacks is an empty field. */
export function renderCsv(records: readonly LogRecord[]): string {
  const columns = logColumns(records);
  const lines = [columns.map(csvField).join(',')];
  for (const r of records) lines.push(columns.map((k) => (k in r ? String(r[k]) : '')).join(','));
  return `${lines.join('\n')}\n`;
}

/** Writes the records to `path` (format from the path), replacing the file atomically. */
export async function writeTrainingLog(path: string, records: readonly LogRecord[]): Promise<void> {
  const text = logFormat(path) === 'csv' ? renderCsv(records) : renderJsonl(records);
  await writeFileAtomic(path, text);
}
