/** Values quoted in error messages, cut short so that a hostile file cannot make a long message. */

/** The longest quotation, in characters. */
export const BRIEF_LENGTH = 60;

/** `text` itself when short, else its start and `…`. */
export function briefText(text: string, max = BRIEF_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * A JSON-like quotation of a parsed JSON value (`"abc"`, `[1, -2]`, `{...}`), at most about
 * `max` characters. The value must nest only a few levels (see io/json-depth.ts).
 */
export function brief(value: unknown, max = BRIEF_LENGTH): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return briefText(text, max);
}
