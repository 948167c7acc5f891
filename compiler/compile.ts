import { checkGraph } from './checks/graph-checks.js';
import { unusedVariables } from './checks/unused-variables.js';
import { DiagnosticBag, type Diagnostic } from './diagnostics/diagnostic.js';
import type { Graph } from './ir/graph.js';
import type { World } from './lower/evaluator.js';
import { defaultLimits, type Limits } from './lower/limits.js';
import { lowerModel, type ModelArguments } from './lower/lower-model.js';
import { loadProgram, type LoadedProgram, type ReadFile } from './loader.js';
import { Source, span } from './source.js';
import { readSourceFile } from './source-file.js';

export interface CheckOptions {
  /** Lower only this model (default: every model defined in the file). */
  readonly model?: string;
  /** Hyperparameter overrides for the selected model(s). */
  readonly args?: ModelArguments;
  readonly limits?: Limits;
  readonly readFile?: ReadFile;
  /** Folders imports may read from besides the root file's folder and the standard library. */
  readonly importRoots?: readonly string[];
}

export interface CheckResult {
  readonly source: Source;
  readonly program: LoadedProgram;
  /** One graph per model that lowered without errors. */
  readonly graphs: readonly Graph[];
  /** Every diagnostic, sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

/** Parse, resolve imports, lower every model of a `.net` source, and collect all diagnostics. */
export function checkSource(source: Source, options: CheckOptions = {}): CheckResult {
  const limits = options.limits ?? defaultLimits;
  const bag = new DiagnosticBag();
  const program = loadProgram(source, bag, limits, options.readFile, options.importRoots);
  for (const ref of program.own) for (const d of unusedVariables(ref)) bag.add(d);
  const world: World = { definitions: program.definitions, limits };
  const models = program.own.filter((r) => r.def.kind === 'Model');
  const selected = options.model ? models.filter((r) => r.def.name.name === options.model) : models;
  if (options.model && selected.length === 0) {
    const names = models.map((r) => r.def.name.name);
    const list = names.length ? `models here: ${names.join(', ')}` : 'this file defines no model';
    bag.add({
      severity: 'error',
      code: 'E1009',
      message: `no model named '${options.model}' (${list})`,
      span: span(source, 0, 0),
      notes: [],
      expansion: [],
    });
  }
  const graphs: Graph[] = [];
  for (const ref of selected) {
    const lowered = lowerModel(world, ref, bag, options.args);
    const g = lowered && checkGraph(lowered, bag);
    if (g) graphs.push(g);
  }
  const diagnostics = bag.all();
  return {
    source,
    program,
    graphs,
    diagnostics,
    ok: !diagnostics.some((d) => d.severity === 'error'),
  };
}

export function checkFile(path: string, options: CheckOptions = {}): CheckResult {
  const read = options.readFile ?? readSourceFile;
  const text = read(path);
  return checkSource(typeof text === 'string' ? new Source(path, text) : text, options);
}
