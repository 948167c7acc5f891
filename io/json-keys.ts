/**
 * The keys of the top-level object of a JSON text, in order and including duplicates (which
 * `JSON.parse` silently collapses). The text must already be known to be a valid JSON object.
 */
export function topLevelJsonKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && expectingKey) keys.push(JSON.parse(text.slice(i, end + 1)) as string);
      expectingKey = false;
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      expectingKey = depth === 1 && c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectingKey = true;
    }
  }
  return keys;
}

/** The index of the closing quote of the string literal that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}
