/**
 * Text that reaches a terminal or a CI log: names, paths and source lines come from files and
 * command lines anyone can write, so the characters that can drive a terminal (C0 and C1
 * controls, ESC, DEL), start a new line (CR, LF, U+2028/2029: a forged GitHub workflow command)
 * or reorder or hide text (bidi embeddings, overrides and isolates, zero-width and other invisible
 * format characters, tag characters) are shown as escapes instead: `\n`, `\r`, `\t`, `\u202e`.
 *
 * The escape form `\uXXXX` (astral characters as two of them, like JSON) keeps JSON valid when it
 * is applied to a JSON text, so the one set of rules serves text, JSON and GitHub output.
 */

/**
 * The characters never printed raw: C0 controls, DEL and C1 controls, the soft hyphen, the
 * Arabic letter mark, the Mongolian vowel separator, zero-width spaces and joiners, LRM/RLM, the
 * line and paragraph separators, bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), the invisible operators and deprecated format characters (U+2060–U+206F), the
 * byte order mark, the interlinear annotation characters, tag characters, and lone surrogates.
 */
const UNSAFE_CLASS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e' +
  '\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}\\ud800-\\udfff';

const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'gu');
/** The same, but keeping line feeds and tabs (a multi-line text). */
const UNSAFE_IN_LINES = new RegExp(`(?![\\n\\t])[${UNSAFE_CLASS}]`, 'gu');
/** An SGR colour sequence (netc's own colours) or one unsafe character (not LF or tab). */
const UNSAFE_OR_COLOUR = new RegExp(`(\\x1b\\[[0-9;]*m)|(?![\\n\\t])[${UNSAFE_CLASS}]`, 'gu');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex4 = (unit: number): string => `\\u${unit.toString(16).padStart(4, '0')}`;

/** The visible form of one unsafe character: `\n`, `\r`, `\t`, else `\uXXXX` per UTF-16 unit. */
function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  let out = '';
  for (let i = 0; i < c.length; i++) out += hex4(c.charCodeAt(i));
  return out;
}

/** True when `text` holds a character that `escapeText` would change. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}

/**
 * `text` (a name, a path, a one-line message) with every unsafe character, line breaks and tabs
 * included, shown as an escape: `a\nb`, `evil\u202e`.
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A multi-line text for a terminal or a log: like `escapeText` but keeping line feeds and tabs
 * and, when `colour` is on, well-formed SGR colour sequences (`ESC [ … m`).
 */
export function escapeLines(text: string, colour = false): string {
  if (!colour) return text.replace(UNSAFE_IN_LINES, escapeChar);
  return text.replace(UNSAFE_OR_COLOUR, (m: string, sgr: string | undefined) =>
    sgr !== undefined ? sgr : escapeChar(m),
  );
}

/**
 * A JSON text (from `JSON.stringify`) with the unsafe characters JSON leaves raw (DEL, C1, bidi,
 * invisible format characters) written as `\uXXXX` escapes: the same value, nothing hidden.
 * Those characters only occur inside strings, where the escape means the character itself.
 */
export function escapeJson(json: string): string {
  return json.replace(UNSAFE_IN_LINES, escapeChar);
}

/** Names longer than this are shortened in messages. */
export const MAX_NAME_LENGTH = 80;
const HEAD = 50;
const TAIL = 20;

/**
 * A name, identifier or path quoted in a message, capped: over `MAX_NAME_LENGTH` characters it
 * is the first 50, `…`, the last 20 and `(N characters)`, so a 1 MB identifier costs a line.
 * Counts code points, so a surrogate pair is never split.
 */
export function shortenName(name: string): string {
  if (name.length <= MAX_NAME_LENGTH) return name;
  const points = Array.from(name);
  if (points.length <= MAX_NAME_LENGTH) return name;
  const head = points.slice(0, HEAD).join('');
  const tail = points.slice(-TAIL).join('');
  return `${head}…${tail} (${points.length} characters)`;
}

/** Runs of more than `MAX_NAME_LENGTH` non-space characters. */
const LONG_RUN = new RegExp(`\\S{${MAX_NAME_LENGTH + 1},}`, 'gu');

/**
 * A message with every overlong word (a name, a quoted identifier, a path: any run of more than
 * `MAX_NAME_LENGTH` non-space characters) shortened by `shortenName`.
 */
export function shortenNames(message: string): string {
  if (message.length <= MAX_NAME_LENGTH) return message;
  return message.replace(LONG_RUN, shortenName);
}

/** A message for display: overlong names shortened, then unsafe characters escaped. */
export const displayText = (message: string): string => escapeText(shortenNames(message));
