import { checkSource, type CheckResult } from '../../compiler/compile.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import {
  diagnosticJson,
  formatDiagnostic,
  githubAnnotation,
} from '../../compiler/diagnostics/format.js';
import { escapeJson, escapeLines } from '../../compiler/util/escape.js';
import { FileError, readSource, type Output } from '../io.js';
import { allowedImportRoots } from '../import-roots.js';
import { defineCommand } from '../table.js';

export const FORMATS = ['text', 'json', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export function printDiagnostics(
  io: Output,
  diagnostics: readonly Diagnostic[],
  format: Format,
): void {
  if (format === 'json') {
    io.out(escapeJson(JSON.stringify(diagnostics.map(diagnosticJson), null, 2)));
  } else if (format === 'github') diagnostics.forEach((d) => io.out(githubAnnotation(d)));
  else diagnostics.forEach((d) => io.out(`${formatDiagnostic(d, { color: io.color })}\n`));
}

export function countLine(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}

/**
 * FILE (`-`: standard input, named `<stdin>`) compiled with `checkSource`, its imports confined
 * to the project and the folders of `--allow-imports`.
 */
export function checkPath(path: string, model: string | undefined): CheckResult {
  return checkSource(readSource(path), { model, importRoots: allowedImportRoots() });
}

export const checkCommand = defineCommand({
  name: 'check',
  summary: 'shape-check files and report every error (exit 0 / 1 / 2)',
  usage: 'FILE... [options]',
  files: 'many',
  description: `Parse, expand and shape-check every model in each FILE ('-': standard input); report
every error and warning.`,
  epilog: 'Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage or I/O error.',
  options: (o) => ({
    format: o.choice('--format <FORMAT>', 'how diagnostics are printed', FORMATS, 'text'),
    model: o.string('--model <NAME>', 'check only this model of each file'),
  }),
  finish: (values, files) => ({ ...values, files }),
  run: runCheck,
});

/** Check each file; a file that cannot be read is an I/O error (exit 2) after the others ran. */
function runCheck(
  o: { format: Format; model: string | undefined; files: readonly string[] },
  io: Output,
): number {
  const results: CheckResult[] = [];
  let ioError = false;
  for (const path of o.files) {
    try {
      results.push(checkPath(path, o.model));
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      io.err(`netc: ${escapeLines(e.message)}`);
      ioError = true;
    }
  }
  const all = results.flatMap((r) => r.diagnostics);
  printDiagnostics(io, all, o.format);
  if (o.format === 'text') io.err(countLine(all, results.length));
  if (ioError) return 2;
  return results.every((r) => r.ok) ? 0 : 1;
}
