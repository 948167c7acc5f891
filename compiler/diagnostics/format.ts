import { describeSpan, type Span } from '../source.js';
import { displayText, escapeText, shortenNames } from '../util/escape.js';
import type { Diagnostic } from './diagnostic.js';

export interface TextStyle {
  readonly color: boolean;
}

const paint = (on: boolean, code: string, s: string): string =>
  on ? `\x1b[${code}m${s}\x1b[0m` : s;

/**
 * A source line as printed under a diagnostic: tabs as two spaces, and every character that
 * could drive the terminal or hide text escaped (`\u202e`), so a hostile line shows as written.
 */
function visible(line: string): string {
  return escapeText(line.replace(/\t/g, '  '));
}

/** `file:line:col`, the file name escaped (a name may hold a newline or a bidi override). */
const where = (s: Span): string => escapeText(describeSpan(s));

/** The source line of a span with carets under it (to the end of the line for multi-line spans). */
export function excerpt(s: Span, color = false): string {
  const start = s.source.position(s.start);
  const end = s.source.position(Math.max(s.start, s.end - 1));
  const raw = s.source.lineText(start.line);
  const max = 160;
  const from = start.column > max ? start.column - 40 : 1;
  const text = visible(raw.slice(from - 1, from - 1 + max));
  const prefix = visible(raw.slice(from - 1, start.column - 1)).length;
  const endCol = end.line === start.line ? end.column : raw.length;
  const marked = visible(raw.slice(start.column - 1, Math.min(endCol, from - 1 + max))).length;
  const width = Math.max(1, Math.min(marked, text.length - prefix || 1));
  const gutter = String(start.line).length;
  const bar = paint(color, '34', `${' '.repeat(gutter)} |`);
  return [
    paint(color, '34', `${start.line} |`) + ` ${text}`,
    `${bar} ${' '.repeat(prefix)}${paint(color, '31;1', '^'.repeat(width))}`,
  ].join('\n');
}

/** `file:line:col: error[E3001]: message`, the line with carets, then notes and the expansion chain. */
export function formatDiagnostic(d: Diagnostic, style: TextStyle = { color: false }): string {
  const sev =
    d.severity === 'error'
      ? paint(style.color, '31;1', `error[${d.code}]`)
      : paint(style.color, '33;1', `warning[${d.code}]`);
  const lines = [
    `${where(d.span)}: ${sev}: ${displayText(d.message)}`,
    excerpt(d.span, style.color),
  ];
  for (const n of d.notes) lines.push(`  = note: ${displayText(n.message)}`);
  for (const f of d.expansion) {
    const loops = f.loops ? ` (${displayText(f.loops)})` : '';
    lines.push(`  = in ${displayText(f.call)} at ${where(f.span)}${loops}`);
  }
  if (d.help) lines.push(`  = help: ${displayText(d.help)}`);
  return lines.join('\n');
}

/**
 * A diagnostic as a JSON object, with overlong names in its messages shortened like the text
 * form. The strings are raw: print it with `escapeJson(JSON.stringify(...))`.
 */
export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const start = d.span.source.position(d.span.start);
  const end = d.span.source.position(d.span.end);
  return {
    file: d.span.source.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    severity: d.severity,
    code: d.code,
    message: shortenNames(d.message),
    notes: d.notes.map((n) => ({
      message: shortenNames(n.message),
      ...(n.span ? { location: describeSpan(n.span) } : {}),
    })),
    expansion: d.expansion.map((f) => ({
      call: f.call,
      location: describeSpan(f.span),
      loops: f.loops,
    })),
    ...(d.help ? { help: shortenNames(d.help) } : {}),
  };
}

/** A workflow command's data: `%`, CR and LF percent-encoded (GitHub's rules). */
export const githubData = (s: string): string =>
  s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A workflow command's property value: as data, and `:` and `,` too. */
export const githubProperty = (s: string): string =>
  githubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions workflow command: `::error file=…,line=…,col=…,title=E3001::message`. Names
 * and the file are escaped first (`escapeText`: a newline in a name becomes `\n`, so it can
 * never start a forged `::command::` line), then percent-encoded by GitHub's rules; the lines
 * of the body (message, notes, expansion) are joined by an encoded `%0A`.
 */
export function githubAnnotation(d: Diagnostic): string {
  const { line, column } = d.span.source.position(d.span.start);
  const prop = (s: string): string => githubProperty(escapeText(s));
  const data = (s: string): string => githubData(s);
  const body = [
    displayText(d.message),
    ...d.notes.map((n) => `note: ${displayText(n.message)}`),
    ...d.expansion.map(
      (f) =>
        `in ${displayText(f.call)} at ${where(f.span)}${f.loops ? ` (${displayText(f.loops)})` : ''}`,
    ),
    ...(d.help ? [`help: ${displayText(d.help)}`] : []),
  ].join('\n');
  const kind = d.severity === 'error' ? 'error' : 'warning';
  return `::${kind} file=${prop(d.span.source.path)},line=${line},col=${column},title=${d.code}::${data(body)}`;
}
