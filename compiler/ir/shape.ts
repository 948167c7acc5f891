/**
 * A dimension: a known size, a symbolic name from the model signature (`T`), or `null` when
 * unknown (`?`). Shapes never include the batch dimension, which is always implicit.
 */
export type Dim = number | string | null;
export type Shape = readonly Dim[];

export function formatDim(d: Dim): string {
  return d === null ? '?' : String(d);
}

/** `[56, 56, 256]` */
export function formatShape(s: Shape): string {
  return `[${s.map(formatDim).join(', ')}]`;
}

/** Product of the dims, or null when any is not a known number. */
export function elementCount(s: Shape): number | null {
  let n = 1;
  for (const d of s) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

/** Two dims agree when equal, or when either is unknown (checked at run time instead). */
export function dimsCompatible(a: Dim, b: Dim): boolean {
  return a === null || b === null || a === b;
}

export function shapesCompatible(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => dimsCompatible(d, b[i]));
}

/** The more informative of two compatible dims. */
export function unifyDim(a: Dim, b: Dim): Dim {
  return a === null ? b : a;
}
