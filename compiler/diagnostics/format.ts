import { describeSpan, type Span } from '../source.js';
import type { Diagnostic } from './diagnostic.js';

export interface TextStyle {
  readonly color: boolean;
}

const paint = (on: boolean, code: string, s: string): string =>
  on ? `\x1b[${code}m${s}\x1b[0m` : s;

/** Make control characters visible so a hostile source line cannot drive the terminal. */
function visible(line: string): string {
  return line.replace(/\t/g, '  ').replace(/[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]/g, '\ufffd');
}

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
  const width = Math.max(1, Math.min(endCol - start.column + 1, text.length - prefix || 1));
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
    `${describeSpan(d.span)}: ${sev}: ${visible(d.message)}`,
    excerpt(d.span, style.color),
  ];
  for (const n of d.notes) lines.push(`  = note: ${visible(n.message)}`);
  for (const f of d.expansion) {
    lines.push(
      `  = in ${visible(f.call)} at ${describeSpan(f.span)}${f.loops ? ` (${f.loops})` : ''}`,
    );
  }
  return lines.join('\n');
}

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
    message: d.message,
    notes: d.notes.map((n) => ({
      message: n.message,
      ...(n.span ? { location: describeSpan(n.span) } : {}),
    })),
    expansion: d.expansion.map((f) => ({
      call: f.call,
      location: describeSpan(f.span),
      loops: f.loops,
    })),
  };
}

/** GitHub Actions workflow command: `::error file=…,line=…,col=…,title=E3001::message`. */
export function githubAnnotation(d: Diagnostic): string {
  const { line, column } = d.span.source.position(d.span.start);
  const prop = (s: string): string =>
    s
      .replace(/%/g, '%25')
      .replace(/\r/g, '%0D')
      .replace(/\n/g, '%0A')
      .replace(/:/g, '%3A')
      .replace(/,/g, '%2C');
  const data = (s: string): string =>
    s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const body = [
    d.message,
    ...d.notes.map((n) => `note: ${n.message}`),
    ...d.expansion.map(
      (f) => `in ${f.call} at ${describeSpan(f.span)}${f.loops ? ` (${f.loops})` : ''}`,
    ),
  ].join('\n');
  const kind = d.severity === 'error' ? 'error' : 'warning';
  return `::${kind} file=${prop(d.span.source.path)},line=${line},col=${column},title=${d.code}::${data(body)}`;
}
