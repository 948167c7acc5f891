import { parseArgs } from 'node:util';
import { checkSource, type CheckResult } from '../../compiler/compile.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import {
  diagnosticJson,
  formatDiagnostic,
  githubAnnotation,
} from '../../compiler/diagnostics/format.js';
import { Source } from '../../compiler/source.js';
import { readSource, UsageError, type Output } from '../io.js';

export const checkHelp = `usage: netc check FILE... [--format text|json|github] [--model NAME]

Parse, expand and shape-check every model in each file; report every error and warning.
Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage or I/O error.`;

export type Format = 'text' | 'json' | 'github';

export function parseFormat(value: string | undefined): Format {
  const f = value ?? 'text';
  if (f !== 'text' && f !== 'json' && f !== 'github')
    throw new UsageError(`unknown --format '${f}' (expected text, json or github)`);
  return f;
}

export function printDiagnostics(
  io: Output,
  diagnostics: readonly Diagnostic[],
  format: Format,
): void {
  if (format === 'json') io.out(JSON.stringify(diagnostics.map(diagnosticJson), null, 2));
  else if (format === 'github') diagnostics.forEach((d) => io.out(githubAnnotation(d)));
  else diagnostics.forEach((d) => io.out(`${formatDiagnostic(d, { color: io.color })}\n`));
}

export function countLine(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}

/** Check each file; a file that cannot be read is an I/O error (exit 2) after the others ran. */
export function runCheck(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string' }, model: { type: 'string' } },
  });
  const format = parseFormat(values.format);
  if (positionals.length === 0) throw new UsageError('netc check needs at least one FILE');
  const results: CheckResult[] = [];
  let ioError = false;
  for (const path of positionals) {
    try {
      results.push(checkSource(new Source(path, readSource(path)), { model: values.model }));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(`netc: ${e.message}`);
      ioError = true;
    }
  }
  const all = results.flatMap((r) => r.diagnostics);
  printDiagnostics(io, all, format);
  if (format === 'text') io.err(countLine(all, results.length));
  if (ioError) return 2;
  return results.every((r) => r.ok) ? 0 : 1;
}
