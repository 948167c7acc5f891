import { diagnosticCodes } from './codes.js';

const groups: [string, string][] = [
  ['E0', 'Syntax'],
  ['E1', 'Names, calls and imports'],
  ['E2', 'Types and values'],
  ['E3', 'Shapes'],
  ['E4', 'Structure and limits'],
  ['E5', 'Export'],
  ['W', 'Warnings'],
];

/** docs/diagnostics.md, generated from the code table so the two cannot drift apart. */
export function renderDiagnosticsMarkdown(): string {
  const lines = [
    '# Diagnostics',
    '',
    '<!-- Generated from compiler/diagnostics/codes.ts; run `npx vitest run tests/compiler/docs.test.ts -u` after changing it. -->',
    '',
    'Every diagnostic has a code, a severity, a message and a location:',
    '',
    '```',
    'samples/x.net:31:11: error[E3001]: add cannot broadcast [56, 56, 256] with [56, 56, 128]: dimension 2 is 256 and 128',
    '```',
    '',
    'followed by the source line with carets under the span, notes (where operands came from,',
    'which values would be valid), and, for an error inside a block, the chain of call sites that',
    'expanded it, innermost first, with the scalar arguments and the loop indices live at each call;',
    'last, where netc knows one, a concrete fix (`= help:`), such as the projection that makes the',
    'two sides of a residual `+` agree.',
    '`netc check --format json` gives the same fields as objects; `--format github` prints GitHub',
    'Actions annotations. Errors make `netc check` exit with 1; warnings alone do not.',
  ];
  const entries = Object.entries(diagnosticCodes);
  for (const [prefix, title] of groups) {
    lines.push('', `## ${title}`, '', '| code | meaning |', '| ---- | ------- |');
    for (const [code, meaning] of entries.filter(([c]) => c.startsWith(prefix)))
      lines.push(`| ${code} | ${meaning} |`);
  }
  return `${lines.join('\n')}\n`;
}
