/** Small statistics and formatting helpers shared by the bench scripts. */

import { splitmix32 } from '../../compiler/initial-weights.js';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds with a precision that suits their size: 1234, 123, 12.3, 1.23. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export const fmtInt = (n: number): string => n.toLocaleString('en-US');

/** `median (min–max)` of a list of times in ms. */
export function medianRange(xs: readonly number[]): string {
  if (xs.length === 0) return 'n/a';
  return `${fmtMs(median(xs))} (${fmtMs(Math.min(...xs))}–${fmtMs(Math.max(...xs))})`;
}

export const fmtRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a');

/** A markdown table; numeric-looking columns are right-aligned by `align`. */
export function table(
  header: readonly string[],
  rows: readonly string[][],
  align?: string,
): string {
  const a = align ?? header.map((_, i) => (i === 0 ? 'l' : 'r')).join('');
  const sep = [...a].map((c) => (c === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** Deterministic uniform [0, 1) floats (the project's splitmix32), so every engine sees the same input. */
export function uniformInput(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, splitmix32(seed));
}

export interface Agreement {
  /** max |a − b| / max |a|. */
  readonly rel: number;
  /**
   * max |a − b| / max |a − mean(a)|: the difference measured against the spread of the reference
   * output. Stricter than `rel` for softmax outputs of random weights, which are all close to
   * 1 / classes whatever the network computes.
   */
  readonly relSpread: number;
}

export function agreement(ref: Float32Array, other: Float32Array): Agreement {
  if (ref.length !== other.length) return { rel: Infinity, relSpread: Infinity };
  let maxRef = 0;
  let maxDiff = 0;
  let sum = 0;
  for (let i = 0; i < ref.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
    maxDiff = Math.max(maxDiff, Math.abs(ref[i] - other[i]));
    sum += ref[i];
  }
  const mean = sum / ref.length;
  let spread = 0;
  for (let i = 0; i < ref.length; i++) spread = Math.max(spread, Math.abs(ref[i] - mean));
  if (Number.isNaN(maxDiff)) return { rel: NaN, relSpread: NaN };
  return { rel: maxDiff / (maxRef || 1), relSpread: maxDiff / (spread || 1) };
}

export const fmtSci = (x: number): string => (Number.isFinite(x) ? x.toExponential(1) : String(x));
