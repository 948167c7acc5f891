import { parseArgs } from 'node:util';
import { print } from '../../grammar/printer.js';
import { parseWithDiagnostics } from '../../compiler/loader.js';
import { Source } from '../../compiler/source.js';
import { readSource, UsageError, writeAtomic, type Output } from '../io.js';
import { printDiagnostics } from './check.js';

export const fmtHelp = `usage: netc fmt FILE... [--check]

Rewrite each file in the canonical format. With --check, write nothing and exit 1 if any
file is not formatted. Files with syntax errors are reported and left untouched.`;

export function runFmt(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { check: { type: 'boolean' } },
  });
  if (positionals.length === 0) throw new UsageError('netc fmt needs at least one FILE');
  let status = 0;
  for (const path of positionals) {
    const text = readSource(path);
    const { program, diagnostics } = parseWithDiagnostics(new Source(path, text));
    if (diagnostics.length > 0) {
      printDiagnostics(io, diagnostics, 'text');
      status = 1;
      continue;
    }
    const formatted = print(program, text);
    if (formatted === text) continue;
    if (values.check) {
      io.out(`${path}: not formatted (run netc fmt ${path})`);
      status = 1;
    } else {
      writeAtomic(path, formatted);
      io.out(`formatted ${path}`);
    }
  }
  return status;
}
