import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as A from '../grammar/ast.js';
import { parse } from '../grammar/parse.js';
import { DiagnosticBag, type Diagnostic } from './diagnostics/diagnostic.js';
import type { DefinitionRef } from './lower/frame.js';
import type { Limits } from './lower/limits.js';
import { stdlibDir } from './package-root.js';
import { describeSpan, Source, span } from './source.js';

export type ReadFile = (path: string) => string;

export interface LoadedProgram {
  readonly root: Source;
  readonly rootProgram: A.Program;
  /** Every block and model visible from the root file (its own and imported ones). */
  readonly definitions: ReadonlyMap<string, DefinitionRef>;
  /** The root file's own definitions, in source order. */
  readonly own: readonly DefinitionRef[];
}

const defaultRead: ReadFile = (p) => readFileSync(p, 'utf8');

/** Where an import path points: `std/x.net` in netc's stdlib, anything else next to the importer. */
export function resolveImport(from: string, path: string): string {
  if (path.startsWith('std/')) return resolve(stdlibDir(), path.slice(4));
  return resolve(dirname(from), path);
}

/**
 * Parse a file and everything it imports (each file once), reporting syntax errors, failed
 * imports and duplicate definitions. A later definition of a name is an error and is dropped.
 */
export function loadProgram(
  root: Source,
  diagnostics: DiagnosticBag,
  limits: Limits,
  read: ReadFile = defaultRead,
): LoadedProgram {
  const definitions = new Map<string, DefinitionRef>();
  const loaded = new Set<string>([resolve(root.path)]);
  const own: DefinitionRef[] = [];
  const rootProgram = parseSource(root, diagnostics);
  const queue: { source: Source; program: A.Program }[] = [{ source: root, program: rootProgram }];
  for (let i = 0; i < queue.length; i++) {
    const { source, program } = queue[i];
    for (const item of program.items) {
      if (item.kind === 'Import') {
        const next = loadImport(source, item, loaded, diagnostics, limits, read);
        if (next) queue.push(next);
        continue;
      }
      const ref = { def: item, source };
      const prior = definitions.get(item.name.name);
      if (prior) {
        const where = span(source, item.name.loc.start, item.name.loc.end);
        const first = span(prior.source, prior.def.name.loc.start, prior.def.name.loc.end);
        diagnostics.add({
          severity: 'error',
          code: 'E1007',
          message: `'${item.name.name}' is already defined`,
          span: where,
          notes: [{ message: `first defined at ${describeSpan(first)}`, span: first }],
          expansion: [],
        });
        continue;
      }
      definitions.set(item.name.name, ref);
      if (source === root) own.push(ref);
    }
  }
  return { root, rootProgram, definitions, own };
}

function loadImport(
  from: Source,
  item: A.ImportDecl,
  loaded: Set<string>,
  diagnostics: DiagnosticBag,
  limits: Limits,
  read: ReadFile,
): { source: Source; program: A.Program } | undefined {
  const fail = (message: string): undefined => {
    const where = span(from, item.path.loc.start, item.path.loc.end);
    diagnostics.add({
      severity: 'error',
      code: 'E1008',
      message,
      span: where,
      notes: [],
      expansion: [],
    });
    return undefined;
  };
  if (!item.path.value.endsWith('.net'))
    return fail(`cannot import ${JSON.stringify(item.path.value)}: imports must name a .net file`);
  const path = resolveImport(from.path, item.path.value);
  if (loaded.has(path)) return undefined;
  if (loaded.size >= limits.files)
    return fail(`more than ${limits.files} files are imported (limit: imported files)`);
  loaded.add(path);
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return fail(`cannot import ${JSON.stringify(item.path.value)}: ${why} (${path})`);
  }
  const source = new Source(path, text);
  return { source, program: parseSource(source, diagnostics) };
}

/** Parse a source; its syntax problems become diagnostics. */
export function parseWithDiagnostics(source: Source): {
  program: A.Program;
  diagnostics: Diagnostic[];
} {
  const { program, problems } = parse(source.text);
  const diagnostics = problems.map((p): Diagnostic => ({
    severity: 'error',
    code: p.code,
    message: p.message,
    span: span(source, p.loc.start, p.loc.end),
    notes: [],
    expansion: [],
  }));
  return { program, diagnostics };
}

function parseSource(source: Source, bag: DiagnosticBag): A.Program {
  const { program, diagnostics } = parseWithDiagnostics(source);
  diagnostics.forEach((d) => bag.add(d));
  return program;
}
