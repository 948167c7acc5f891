import { print } from '../../grammar/printer.js';
import { escapeText } from '../../compiler/util/escape.js';
import { parseWithDiagnostics } from '../../compiler/loader.js';
import { readSource, STDIN, writeAtomic, type Output } from '../io.js';
import { defineCommand } from '../table.js';
import { printDiagnostics } from './check.js';

export const fmtCommand = defineCommand({
  name: 'fmt',
  summary: 'format files in place (--check: only report)',
  usage: 'FILE... [options]',
  files: 'many',
  imports: false,
  description: `Rewrite each FILE in the canonical format; '-' reads standard input and prints the
formatted text. Files with syntax errors are reported and left untouched.`,
  epilog:
    'Exit status: 0 done, 1 syntax errors (--check: a file not formatted), 2 usage or I/O error.',
  options: (o) => ({
    check: o.flag('--check', 'write nothing; exit 1 if any file is not formatted'),
  }),
  finish: (values, files) => ({ ...values, files }),
  run: (o, io: Output) => {
    let status = 0;
    for (const path of o.files) {
      const source = readSource(path);
      const { text, path: name } = source;
      const { program, diagnostics } = parseWithDiagnostics(source);
      if (diagnostics.length > 0) {
        printDiagnostics(io, diagnostics, 'text');
        status = 1;
        continue;
      }
      const formatted = print(program, text);
      if (path === STDIN && !o.check) (io.data ?? io.out)(formatted.replace(/\n$/, ''));
      else if (formatted === text) continue;
      else if (o.check) {
        io.out(`${escapeText(name)}: not formatted (run netc fmt ${escapeText(name)})`);
        status = 1;
      } else {
        writeAtomic(path, formatted);
        io.out(`formatted ${escapeText(path)}`);
      }
    }
    return status;
  },
});
