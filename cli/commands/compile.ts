import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_OPSET, OPSET_RANGE } from '../../codegen/onnx/export.js';
import { defaultOnnxPath } from '../../codegen/onnx/index.js';
import { checkSource } from '../../compiler/compile.js';
import { optimizeForInference } from '../../compiler/passes/index.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { Source } from '../../compiler/source.js';
import { readSource, UsageError, writeAtomic, type Output } from '../io.js';
import { countLine, printDiagnostics } from './check.js';
import { parseInteger } from './model-args.js';
import { unsupportedDiagnostics } from './onnx-diagnostics.js';

export const compileHelp = `usage: netc compile FILE... [--model NAME] [-o OUT] [--check] [--target ts|onnx]
                    [--weights PATH | --seed N] [--optimize] [--opset N]

Compile models to standalone TypeScript modules (--target ts, the default) or to ONNX models
(--target onnx).

TypeScript modules import nothing but @tensorflow/tfjs. Each exports createModel() (a
tf.LayersModel with the layer names, weight names and weight order of netc's interpreter, so
its weights load with setWeights), inputShapes, outputShapes, modelInfo, and the netc layer
classes the model uses.

ONNX models hold the graph and its weights. Inputs and outputs keep the model's port names and
netc's layout (batch first, channels last, as 'netc run' takes them), the batch a symbolic dim;
inside, convolutions and pooling run channels-first. Node and weight names are netc's layer
names (stage1.block0.conv, stage1.block0.conv/kernel). Options for --target onnx only:

  --weights PATH  the weights to embed (the formats 'netc run --weights' reads: .safetensors,
                  or a folder with model.json + weights.bin); one model at a time
  --seed N        without --weights: deterministic initial weights from seed N, as
                  'netc init --seed N' makes them (default: --seed 0)
  --opset N       the ONNX opset, 17 to 21 (default: 17)

Outputs go next to their source: x.net -> x.ts / x.onnx, or x.<model>.ts / x.<model>.onnx for
each model of a file that defines several (--model NAME: only that one). -o OUT writes the one
model there. Nothing is written unless every file compiles and, for ONNX, every model exports;
each write is atomic.

  --optimize  compile the graph optimized for inference (docs/passes.md: batch norm folded
              into the conv before it, activations fused, dropout removed). ONNX: the weights
              are folded on export. TypeScript: the module is for inference only, and its
              weights are the folded ones (buildOptimizedModel(graph, model) in the API makes
              them from the weights of the graph as written)
  --check     write nothing: list the outputs that differ from what would be generated (or
              are missing); exit 1 if any does, 0 when all are up to date

Exit status: 0 done; 1 compile errors, a model ONNX cannot express or weights that do not fit
it (--check: outputs out of date); 2 usage or I/O error.`;

type Target = 'ts' | 'onnx';

/** A model to compile, and where its output goes. */
interface Planned {
  readonly path: string;
  readonly graph: Graph;
  readonly sourcePath: string;
}

/** A generated output. */
interface Generated {
  readonly path: string;
  readonly content: string | Uint8Array;
  readonly detail?: string;
}

const SEED_MAX = 2 ** 32 - 1;

/** The options of --target onnx, checked; null for --target ts (which takes none of them). */
function onnxOptions(values: Record<string, string | boolean | undefined>, target: Target) {
  const given = ['weights', 'seed', 'opset'].filter((k) => values[k] !== undefined);
  if (target === 'ts') {
    if (given.length > 0) throw new UsageError(`--${given[0]} applies to --target onnx only`);
    return null;
  }
  const str = (k: string) => values[k] as string | undefined;
  const weights = str('weights');
  if (weights === '') throw new UsageError('--weights needs a non-empty value');
  if (weights !== undefined && str('seed') !== undefined)
    throw new UsageError('--seed sets initial weights: it cannot go with --weights');
  const seed = str('seed') === undefined ? 0 : parseInteger('seed', str('seed')!, 0, SEED_MAX);
  const opset =
    str('opset') === undefined
      ? DEFAULT_OPSET
      : parseInteger('opset', str('opset')!, OPSET_RANGE.min, OPSET_RANGE.max);
  return {
    source: weights !== undefined ? { weights } : { seed },
    optimize: values.optimize === true,
    opset,
  };
}

function parseTarget(value: string | undefined): Target {
  if (value === undefined || value === 'ts' || value === 'onnx') return value ?? 'ts';
  throw new UsageError(`--target must be ts or onnx, found '${value}'`);
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
      target: { type: 'string' },
      weights: { type: 'string' },
      seed: { type: 'string' },
      optimize: { type: 'boolean' },
      opset: { type: 'string' },
    },
  });
  const target = parseTarget(values.target);
  const onnx = onnxOptions(values, target);
  if (positionals.length === 0) throw new UsageError('netc compile needs at least one FILE');
  const out = values.out;
  if (out !== undefined && positionals.length !== 1) {
    throw new UsageError(`-o OUT.${target} takes exactly one FILE`);
  }
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
      const dest = out ?? (await defaultPath(target, path, graph.name, models));
      if (resolve(dest) === resolve(path)) {
        throw new UsageError(`the output would overwrite its source ${path}`);
      }
      if (onnx) {
        const unsupported = unsupportedDiagnostics(graph);
        diagnostics.push(...unsupported);
        if (unsupported.length > 0) failed = true;
      }
      planned.push({ path: dest, graph, sourcePath: path });
    }
  }
  if (onnx?.source.weights !== undefined && planned.length > 1) {
    throw new UsageError(
      `--weights holds the weights of one model, but ${planned.length} would be compiled: give one FILE, and --model NAME if it defines several`,
    );
  }
  if (!failed) {
    const generated = await generate(planned, onnx, values.optimize === true, diagnostics);
    if (generated) return finish(io, generated, values.check === true, diagnostics, target);
    failed = true;
  }
  printDiagnostics(io, diagnostics, 'text');
  io.err(countLine(diagnostics, positionals.length));
  return 1;
}

async function defaultPath(
  target: Target,
  sourcePath: string,
  model: string,
  models: number,
): Promise<string> {
  // Loaded on demand: the TypeScript code generator pulls in ts-morph, prettier and tfjs.
  if (target === 'ts') {
    return (await import('../../codegen/index.js')).defaultModulePath(sourcePath, model, models);
  }
  return defaultOnnxPath(sourcePath, model, models);
}

/** Every output, or null when an ONNX export failed (its diagnostics added to `diagnostics`). */
async function generate(
  planned: readonly Planned[],
  onnx: ReturnType<typeof onnxOptions>,
  optimize: boolean,
  diagnostics: Diagnostic[],
): Promise<Generated[] | null> {
  const out: Generated[] = [];
  if (!onnx) {
    const { generateModule } = await import('../../codegen/index.js');
    for (const p of planned) {
      const graph = optimize ? optimizeForInference(p.graph).graph : p.graph;
      out.push({
        path: p.path,
        content: await generateModule(graph, { sourcePath: p.sourcePath }),
      });
    }
    return out;
  }
  const { compileOnnx } = await import('./onnx-compile.js');
  let ok = true;
  for (const p of planned) {
    const r = await compileOnnx(p.graph, onnx);
    if ('diagnostic' in r) {
      diagnostics.push(r.diagnostic);
      ok = false;
    } else out.push({ path: p.path, content: r.bytes, detail: r.detail });
  }
  return ok ? out : null;
}

/** Writes (or with --check compares) the outputs; prints the warnings first. */
function finish(
  io: Output,
  generated: readonly Generated[],
  check: boolean,
  diagnostics: readonly Diagnostic[],
  target: Target,
): number {
  if (diagnostics.length > 0) printDiagnostics(io, diagnostics, 'text');
  if (check) {
    const stale = generated.filter((p) => !sameContent(readOrNull(p.path), p.content));
    for (const p of stale) {
      io.out(`${p.path}: ${readOrNull(p.path) === null ? 'missing' : 'out of date'}`);
    }
    if (stale.length > 0) {
      io.err(
        `${stale.length} of ${generated.length} generated ${target === 'ts' ? 'modules' : 'ONNX models'} need regenerating: run netc compile`,
      );
      return 1;
    }
    return 0;
  }
  for (const p of generated) {
    writeAtomic(p.path, p.content);
    io.out(`wrote ${p.path}${p.detail ? ` (${p.detail})` : ''}`);
  }
  return 0;
}

function sameContent(existing: Buffer | null, content: string | Uint8Array): boolean {
  return (
    existing !== null &&
    existing.equals(typeof content === 'string' ? Buffer.from(content) : content)
  );
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}
