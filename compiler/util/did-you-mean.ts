/** Longer names get no did-you-mean (a typo of a 100-character name is not worth the time). */
export const MAX_SUGGESTED_LENGTH = 100;
/** Only this many candidates are compared (the first ones): a scope can hold thousands of names. */
export const MAX_SUGGESTION_CANDIDATES = 1000;

/**
 * The optimal-string-alignment distance of `a` and `b` (Levenshtein plus transposition of two
 * adjacent characters: `untis` -> `units` is 1) when it is at most `max`, else any number above
 * `max`; stops as soon as two rows in a row exceed `max`. Three rolling rows (the transposition
 * looks two rows back).
 */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

function distanceWithin(a: string, b: string, max: number): number {
  if (rows[0].length <= b.length) rows = rows.map(() => new Int32Array(2 * (b.length + 1)));
  let [before, prev, cur] = rows;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max && prevMin > max) return max + 1;
    prevMin = rowMin;
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[b.length];
}

/**
 * The candidate closest to `name`, if within max(1, floor(len / 3)) edits of it (len: the
 * length of `name`). Ties go to the earliest candidate.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  // The distance costs |name| x |candidate|: a hostile megabyte-long name gets no suggestion.
  if (name.length > MAX_SUGGESTED_LENGTH) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  let seen = 0;
  for (const c of candidates) {
    if (++seen > MAX_SUGGESTION_CANDIDATES) break;
    // The distance is at least the difference in length: skip candidates that cannot win.
    if (Math.abs(c.length - name.length) >= bestDistance) continue;
    const dist = distanceWithin(name, c, bestDistance - 1);
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return best;
}
