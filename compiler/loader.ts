import { realpathSync } from 'node:fs';
import { dirname, relative, resolve, isAbsolute, sep } from 'node:path';
import type * as A from '../grammar/ast.js';
import { parse } from '../grammar/parse.js';
import { DiagnosticBag, type Diagnostic } from './diagnostics/diagnostic.js';
import type { DefinitionRef } from './lower/frame.js';
import type { Limits } from './lower/limits.js';
import { stdlibDir } from './package-root.js';
import { describeSpan, Source, span } from './source.js';
import { readSourceFile, SourceFileError } from './source-file.js';
import { systemErrorReason } from './system-errors.js';

/** Reads a source file: its text, or a `Source` (which may carry a UTF-8 error). */
export type ReadFile = (path: string) => string | Source;

export interface LoadedProgram {
  readonly root: Source;
  readonly rootProgram: A.Program;
  /** Every block and model visible from the root file (its own and imported ones). */
  readonly definitions: ReadonlyMap<string, DefinitionRef>;
  /** The root file's own definitions, in source order. */
  readonly own: readonly DefinitionRef[];
}

const defaultRead: ReadFile = (p) => readSourceFile(p);

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
  importRoots: readonly string[] = [],
): LoadedProgram {
  const project = importFolders(root, importRoots);
  const definitions = new Map<string, DefinitionRef>();
  const loaded = new Set<string>([resolve(root.path)]);
  const own: DefinitionRef[] = [];
  const rootProgram = parseSource(root, diagnostics);
  const queue: { source: Source; program: A.Program }[] = [{ source: root, program: rootProgram }];
  for (let i = 0; i < queue.length; i++) {
    const { source, program } = queue[i];
    for (const item of program.items) {
      if (item.kind === 'Import') {
        const next = loadImport(source, item, { loaded, diagnostics, limits, read, project });
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

/** A real path, or the resolved one where the file does not exist (reading then says so). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

const inside = (folder: string, path: string): boolean => {
  const r = relative(folder, path);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
};

/**
 * The folders imports may read from: the root file's folder (the current one for standard
 * input) and everything below it, netc's standard library, and the extra `importRoots`, all as
 * real paths, so that neither `..` nor a symlink leads out of them.
 */
function importFolders(root: Source, importRoots: readonly string[]): string[] {
  const base = root.path === '<stdin>' ? process.cwd() : dirname(resolve(root.path));
  return [base, stdlibDir(), ...importRoots].map(realPath);
}

interface ImportContext {
  readonly loaded: Set<string>;
  readonly diagnostics: DiagnosticBag;
  readonly limits: Limits;
  readonly read: ReadFile;
  readonly project: readonly string[];
}

function loadImport(
  from: Source,
  item: A.ImportDecl,
  { loaded, diagnostics, limits, read, project }: ImportContext,
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
  const path = realPath(resolveImport(from.path, item.path.value));
  if (!project.some((folder) => inside(folder, path))) {
    return fail(
      `cannot import ${JSON.stringify(item.path.value)}: ${path} is outside the project (imports may read the root file's folder and below, the standard library, and folders allowed with --allow-imports DIR)`,
    );
  }
  if (loaded.has(path)) return undefined;
  if (loaded.size >= limits.files)
    return fail(`more than ${limits.files} files are imported (limit: imported files)`);
  loaded.add(path);
  let text: string | Source;
  try {
    text = read(path);
  } catch (e) {
    const why = e instanceof SourceFileError ? e.reason : (systemErrorReason(e) ?? String(e));
    return fail(`cannot import ${JSON.stringify(item.path.value)}: ${why} (${path})`);
  }
  const source = typeof text === 'string' ? new Source(path, text) : text;
  const parsed = parseWithDiagnostics(source);
  // A file of which not one definition parses is not .net source (a key file behind a
  // `.net` name, say): say so at the import, without quoting any of its text.
  if (parsed.diagnostics.length > 0 && parsed.program.items.length === 0) {
    const at = source.position(parsed.diagnostics[0].span.start);
    return fail(
      `cannot import ${JSON.stringify(item.path.value)}: ${path} is not .net source (syntax error at line ${at.line}, column ${at.column}; its text is not shown)`,
    );
  }
  parsed.diagnostics.forEach((d) => diagnostics.add(d));
  return { source, program: parsed.program };
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
  const bad = source.invalidUtf8;
  if (bad) {
    const hex = bad.byte.toString(16).padStart(2, '0');
    diagnostics.push({
      severity: 'error',
      code: 'E0005',
      message: `${source.path} is not UTF-8 text: byte 0x${hex} at byte offset ${bad.byteOffset} (the file is read up to it, and never rewritten)`,
      span: span(source, source.text.length, source.text.length),
      notes: [],
      expansion: [],
    });
  }
  return { program, diagnostics };
}

function parseSource(source: Source, bag: DiagnosticBag): A.Program {
  const { program, diagnostics } = parseWithDiagnostics(source);
  diagnostics.forEach((d) => bag.add(d));
  return program;
}
