import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkSource } from '../../compiler/compile.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { Source } from '../../compiler/source.js';
import { readSource, UsageError, writeAtomic, type Output } from '../io.js';
import { countLine, printDiagnostics } from './check.js';

export const compileHelp = `usage: netc compile FILE... [--model NAME] [-o OUT.ts] [--check]

Compile models to standalone TypeScript modules that import nothing but @tensorflow/tfjs.
Each module exports createModel() (a tf.LayersModel with the layer names, weight names and
weight order of netc's interpreter, so its weights load with setWeights), inputShapes,
outputShapes, modelInfo, and the netc layer classes the model uses.

Modules go next to their source: x.net -> x.ts, or x.<model>.ts for each model of a file
that defines several (--model NAME: only that one). -o OUT.ts writes the one model there.
Nothing is written unless every file compiles; each write is atomic.

  --check   write nothing: list the modules that differ from what would be generated (or
            are missing); exit 1 if any does, 0 when all are up to date

Exit status: 0 done, 1 compile errors (--check: modules out of date), 2 usage or I/O error.`;

interface Planned {
  readonly path: string;
  readonly text: string;
}

/** Compile every FILE first; write (or, with --check, compare) only when all compiled. */
export async function runCompile(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      out: { type: 'string', short: 'o' },
      check: { type: 'boolean' },
    },
  });
  if (positionals.length === 0) throw new UsageError('netc compile needs at least one FILE');
  const out = values.out;
  if (out !== undefined && positionals.length !== 1) {
    throw new UsageError('-o OUT.ts takes exactly one FILE');
  }
  // Loaded here, not at startup: code generation pulls in ts-morph, prettier and tfjs.
  const { defaultModulePath, generateModule } = await import('../../codegen/index.js');
  const planned: Planned[] = [];
  const diagnostics: Diagnostic[] = [];
  let failed = false;
  for (const path of positionals) {
    const result = checkSource(new Source(path, readSource(path)), { model: values.model });
    diagnostics.push(...result.diagnostics);
    if (!result.ok) {
      failed = true;
      continue;
    }
    const models = result.program.own.filter((r) => r.def.kind === 'Model').length;
    if (result.graphs.length === 0) throw new UsageError(`${path} defines no model`);
    if (out !== undefined && result.graphs.length > 1) {
      const names = result.graphs.map((g) => g.name).join(', ');
      throw new UsageError(`${path} defines several models (${names}): pick one with --model NAME`);
    }
    for (const graph of result.graphs) {
      const target = out ?? defaultModulePath(path, graph.name, models);
      if (resolve(target) === resolve(path)) {
        throw new UsageError(`the module would overwrite its source ${path}`);
      }
      planned.push({ path: target, text: await generateModule(graph, { sourcePath: path }) });
    }
  }
  if (diagnostics.length > 0) printDiagnostics(io, diagnostics, 'text');
  if (failed) {
    io.err(countLine(diagnostics, positionals.length));
    return 1;
  }
  if (values.check) {
    const stale = planned.filter((p) => readOrNull(p.path) !== p.text);
    for (const p of stale) {
      io.out(`${p.path}: ${readOrNull(p.path) === null ? 'missing' : 'out of date'}`);
    }
    if (stale.length > 0) {
      io.err(
        `${stale.length} of ${planned.length} generated modules need regenerating: run netc compile`,
      );
      return 1;
    }
    return 0;
  }
  for (const p of planned) {
    writeAtomic(p.path, p.text);
    io.out(`wrote ${p.path}`);
  }
  return 0;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
