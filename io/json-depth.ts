/**
 * How deeply a JSON text nests, found without parsing it (one pass, no recursion), so that a
 * hostile file cannot overflow the stack of code that walks the parsed value (`JSON.stringify`
 * and `String` recurse).
 */

/**
 * The offset of the first `[` or `{` that opens level `limit + 1`, or -1 when the text nests at
 * most `limit` levels. Brackets inside strings do not count.
 */
export function jsonTooDeepAt(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22)
        i += text.charCodeAt(i) === 0x5c ? 2 : 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return -1;
}
