import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExternalData } from '../../codegen/onnx/external-data-plan.js';
import { OutputFileError } from '../../io/atomic-write.js';
import { modelLocation, publishOnnxModel } from '../../io/onnx-publish.js';
import { escapeText } from '../../compiler/util/escape.js';
import { DEFAULT_OPSET, OPSET_RANGE } from '../../codegen/onnx/export.js';
import { defaultOnnxPath } from '../../codegen/onnx/index.js';
import { optimizeForInference, type Optimized } from '../../compiler/passes/index.js';
import { encodeWeightsSafetensors } from '../../io/weights-file.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { FileError, sourceName, STDIN, UsageError, writeAtomic, type Output } from '../io.js';
import { defineCommand, type OptionTable } from '../table.js';
import { checkPath, countLine, printDiagnostics } from './check.js';
import { checkWritable, refuseInputOverwrite, sourcesOf, type NamedPath } from './output-paths.js';
import { SEED_MAX } from './model-args.js';
import type { OnnxCompileOptions } from './onnx-compile.js';
import { unsupportedDiagnostics } from './onnx-diagnostics.js';
import { readCheckedWeights } from './weights-convert.js';

const TARGETS = ['ts', 'onnx'] as const;
type Target = (typeof TARGETS)[number];

const DESCRIPTION = `Compile models to standalone TypeScript modules (--target ts, the default) or to ONNX models
(--target onnx). FILE '-' reads standard input; its output goes to -o OUT, or to standard output
(TypeScript only).

TypeScript modules import nothing but @tensorflow/tfjs. Each exports createModel() (a
tf.LayersModel with the layer names, weight names and weight order of netc's interpreter),
weight loaders that refuse weights of another graph (fetchWeights(model, url) for a tfjs folder
model.json, loadTfjsWeights for its bytes, loadSafetensorsWeights), weightsInfo, inputShapes,
outputShapes, modelInfo, and the netc layer classes the model uses. With --optimize the module
takes folded weights: --weights W also writes them beside it (OUT.ts -> OUT.weights.safetensors).

ONNX models hold the graph and its weights. Inputs and outputs keep the model's port names and
netc's layout (batch first, channels last, as 'netc run' takes them), the batch a symbolic dim;
inside, convolutions and pooling run channels-first. Node and weight names are netc's layer
names (stage1.block0.conv, stage1.block0.conv/kernel).

Outputs go next to their source: x.net -> x.ts / x.onnx, or x.<model>.ts / x.<model>.onnx for
each model of a file that defines several (--model NAME: only that one). -o OUT writes the one
model there. Nothing is written unless every file compiles and, for ONNX, every model exports;
each write is atomic. An ONNX model that would exceed 2,000,000,000 bytes (protobuf's limit is
2 GiB) keeps its large weights in a data file beside it, x.onnx.<hash>.data, by ONNX's external
data convention (--external-data: whatever the size); the data file is written first, the model
last, so the model never names a missing file.`;

export const compileCommand = defineCommand({
  name: 'compile',
  summary: 'a standalone TypeScript module or an ONNX model per model (-o OUT, --target onnx)',
  usage: 'FILE... [options]',
  files: 'many',
  description: DESCRIPTION,
  epilog: `Exit status: 0 done; 1 compile errors, a model ONNX cannot express or weights that do not fit
it (--check: outputs out of date); 2 usage or I/O error.`,
  options: compileOptions,
  finish: finishCompile,
  run: runCompile,
});

type CompileOptions = ReturnType<typeof finishCompile>;

function compileOptions(o: OptionTable) {
  return {
    model: o.string('--model <NAME>', 'compile only this model of each file'),
    out: o.string('-o, --out <OUT>', 'write the one model there'),
    check: o.flag(
      '--check',
      'write nothing: list the outputs that differ from what would be generated (or are missing); exit 1 if any does, 0 when all are up to date',
    ),
    target: o.choice('--target <ts|onnx>', 'what to generate', TARGETS, 'ts'),
    weights: o.string(
      '--weights <PATH>',
      "the weights of the graph as written (the formats 'netc run --weights' reads: .safetensors, or a folder with model.json and its weight file); one model at a time. --target onnx: embedded in the model. --target ts (with --optimize): folded and written beside the module, OUT.ts -> OUT.weights.safetensors",
    ),
    seed: o.int(
      '--seed <N>',
      "--target onnx, without --weights: deterministic initial weights from seed N, as 'netc init --seed N' makes them (default: 0)",
      { min: 0, max: SEED_MAX, conflicts: 'weights' },
    ),
    optimize: o.flag(
      '--optimize',
      'compile the graph optimized for inference (docs/passes.md: batch norm folded into the conv before it, activations fused, dropout removed). ONNX: the weights are folded on export. TypeScript: the module is for inference only, and its weights are the folded ones (buildOptimizedModel(graph, model) in the API makes them from the weights of the graph as written)',
    ),
    externalData: o.flag(
      '--external-data',
      "--target onnx: put the weights (tensors of 1024 bytes or more) in a data file beside the model, OUT.onnx.<hash>.data, whatever the model's size (by default only a model over 2,000,000,000 bytes has one)",
    ),
    opset: o.int(
      '--opset <N>',
      `--target onnx: the ONNX opset, ${OPSET_RANGE.min} to ${OPSET_RANGE.max} (default: ${DEFAULT_OPSET})`,
      {
        min: OPSET_RANGE.min,
        max: OPSET_RANGE.max,
      },
    ),
  };
}

/** Cross-option checks; the ONNX options, or null for --target ts. */
function finishCompile(v: ReturnType<typeof compileOptions>, files: readonly string[]) {
  const onnxOnly = (['seed', 'opset'] as const).filter((k) => v[k] !== undefined);
  if (v.externalData && v.target === 'ts')
    throw new UsageError('--external-data applies to --target onnx only');
  if (v.target === 'ts' && onnxOnly.length > 0)
    throw new UsageError(`--${onnxOnly[0]} applies to --target onnx only`);
  if (v.target === 'ts' && v.weights !== undefined && !v.optimize) {
    throw new UsageError(
      '--weights with --target ts needs --optimize: it writes the folded weights of the optimized module (a module compiled without --optimize takes the weights as they are)',
    );
  }
  if (v.target === 'ts' && v.weights !== undefined && files.includes(STDIN) && v.out === undefined)
    throw new UsageError("FILE '-' (standard input) needs -o OUT.ts with --weights");
  if (v.out !== undefined && files.length !== 1)
    throw new UsageError(`-o OUT.${v.target} takes exactly one FILE`);
  if (files.includes(STDIN) && v.out === undefined && (v.target === 'onnx' || v.check)) {
    throw new UsageError(
      `FILE '-' (standard input) needs -o OUT${v.target === 'onnx' ? '.onnx' : ''} with ${v.check ? '--check' : '--target onnx'}`,
    );
  }
  const onnx: OnnxCompileOptions | null =
    v.target === 'ts'
      ? null
      : {
          source: v.weights !== undefined ? { weights: v.weights } : { seed: v.seed ?? 0 },
          optimize: v.optimize,
          opset: v.opset ?? DEFAULT_OPSET,
          externalData: v.externalData ? 'always' : 'auto',
        };
  return { ...v, files, onnx };
}

/** A model to compile, and where its output goes (undefined: standard output). */
interface Planned {
  readonly path: string | undefined;
  readonly graph: Graph;
  readonly sourcePath: string;
}

/** A generated output. */
interface Generated {
  readonly path: string | undefined;
  readonly content: string | Uint8Array;
  readonly detail?: string;
  /** An ONNX model: published with its data file, if any (written beside it, before it). */
  readonly onnx?: { readonly data?: ExternalData };
}

/** Compile every FILE first; write (or, with --check, compare) only when all compiled. */
async function runCompile(o: CompileOptions, io: Output): Promise<number> {
  const planned: Planned[] = [];
  const inputs: NamedPath[] = [];
  const diagnostics: Diagnostic[] = [];
  let failed = false;
  for (const path of o.files) {
    const name = sourceName(path);
    const result = checkPath(path, o.model);
    inputs.push(...sourcesOf(path, result));
    diagnostics.push(...result.diagnostics);
    if (!result.ok) {
      failed = true;
      continue;
    }
    const models = result.program.own.filter((r) => r.def.kind === 'Model').length;
    if (result.graphs.length === 0) throw new UsageError(`${name} defines no model`);
    if ((o.out !== undefined || path === STDIN) && result.graphs.length > 1) {
      const names = result.graphs.map((g) => g.name).join(', ');
      throw new UsageError(`${name} defines several models (${names}): pick one with --model NAME`);
    }
    for (const graph of result.graphs) {
      const dest =
        o.out ??
        (path === STDIN ? undefined : await defaultPath(o.target, path, graph.name, models));
      if (dest !== undefined && resolve(dest) === resolve(path)) {
        throw new UsageError(`the output would overwrite its source ${path}`);
      }
      if (o.onnx) {
        const unsupported = unsupportedDiagnostics(graph);
        diagnostics.push(...unsupported);
        if (unsupported.length > 0) failed = true;
      }
      planned.push({ path: dest, graph, sourcePath: name });
    }
  }
  if (o.weights !== undefined && planned.length > 1) {
    throw new UsageError(
      `--weights holds the weights of one model, but ${planned.length} would be compiled: give one FILE, and --model NAME if it defines several`,
    );
  }
  if (!o.check) {
    // Before any work: no output replaces an input, and each output can be written.
    const weights = o.onnx?.source.weights;
    refuseInputOverwrite(
      planned.flatMap((p) =>
        p.path === undefined ? [] : [{ path: p.path, what: o.out ? '-o' : 'the output' }],
      ),
      [...inputs, ...(weights !== undefined ? [{ path: weights, what: '--weights' }] : [])],
    );
    if (!failed) for (const p of planned) if (p.path !== undefined) checkWritable(p.path);
  }
  if (!failed) {
    const generated = await generate(planned, o.onnx, o.optimize, o.weights, diagnostics);
    if (generated) return await finish(io, generated, o.check, diagnostics, o.target);
  }
  printDiagnostics(io, diagnostics, 'text');
  io.err(countLine(diagnostics, o.files.length));
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
  onnx: OnnxCompileOptions | null,
  optimize: boolean,
  weights: string | undefined,
  diagnostics: Diagnostic[],
): Promise<Generated[] | null> {
  const out: Generated[] = [];
  if (!onnx) {
    const { generateModule } = await import('../../codegen/index.js');
    for (const p of planned) {
      const optimized = optimize ? optimizeForInference(p.graph) : undefined;
      const graph = optimized?.graph ?? p.graph;
      if (optimized && weights !== undefined) {
        // The folded weights first, so the module is never written without them.
        out.push(await foldedWeights(p, optimized, weights));
      }
      out.push({
        path: p.path,
        content: await generateModule(graph, {
          sourcePath: p.sourcePath,
          ...(optimized ? { sourceGraph: p.graph } : {}),
        }),
      });
    }
    return out;
  }
  const { compileOnnx } = await import('./onnx-compile.js');
  let ok = true;
  for (const p of planned) {
    const fileName = p.path === undefined ? 'model.onnx' : modelLocation(p.path).fileName;
    const r = await compileOnnx(p.graph, onnx, fileName);
    if ('diagnostic' in r) {
      diagnostics.push(r.diagnostic);
      ok = false;
    } else {
      const onnx = r.data ? { data: r.data } : {};
      out.push({ path: p.path, content: r.bytes, detail: r.detail, onnx });
    }
  }
  return ok ? out : null;
}

/**
 * `OUT.weights.safetensors` beside the module `OUT.ts`: `weights` (of the graph as written,
 * checked against it) folded for the optimized graph, whose fingerprint it records.
 */
async function foldedWeights(
  p: Planned,
  optimized: Optimized,
  weights: string,
): Promise<Generated> {
  const folded = optimized.foldWeights(await readCheckedWeights(weights, p.graph));
  return {
    path: p.path === undefined ? undefined : foldedWeightsPath(p.path),
    content: encodeWeightsSafetensors(optimized.graph, folded),
    detail: `the folded weights of ${weights}`,
  };
}

/** Where `netc compile --optimize --weights` puts the module's weights: m.ts -> m.weights.safetensors. */
export function foldedWeightsPath(modulePath: string): string {
  return `${modulePath.replace(/\.ts$/, '')}.weights.safetensors`;
}

/** The data file of an ONNX output, as an output of its own (for --check). */
function dataOutput(p: Generated): Generated[] {
  const data = p.onnx?.data;
  if (!data || p.path === undefined) return [];
  return [
    { path: join(modelLocation(p.path).dir, data.name), content: Buffer.concat(data.chunks) },
  ];
}

/** Writes an ONNX model and its data file (io/onnx-publish.ts); a failure is a FileError. */
async function publishModel(path: string, model: Uint8Array, data?: ExternalData): Promise<void> {
  try {
    await publishOnnxModel(path, model, data);
  } catch (e) {
    if (e instanceof OutputFileError) throw new FileError(e.message);
    throw e;
  }
}

/** Writes (or with --check compares) the outputs; prints the warnings first. */
async function finish(
  io: Output,
  generated: readonly Generated[],
  check: boolean,
  diagnostics: readonly Diagnostic[],
  target: Target,
): Promise<number> {
  if (diagnostics.length > 0) printDiagnostics(io, diagnostics, 'text');
  if (check) {
    const stale = generated
      .flatMap((p) => [...dataOutput(p), p])
      .filter((p) => !sameContent(readOrNull(p.path), p.content));
    for (const p of stale) {
      io.out(
        `${escapeText(String(p.path))}: ${readOrNull(p.path) === null ? 'missing' : 'out of date'}`,
      );
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
    if (p.path === undefined) {
      (io.data ?? io.out)(typeof p.content === 'string' ? p.content.replace(/\n$/, '') : '');
      continue;
    }
    if (p.onnx) {
      const data = p.onnx.data;
      await publishModel(p.path, p.content as Uint8Array, data);
      if (data) io.out(`wrote ${escapeText(join(modelLocation(p.path).dir, data.name))}`);
    } else writeAtomic(p.path, p.content);
    io.out(`wrote ${escapeText(p.path)}${p.detail ? ` (${p.detail})` : ''}`);
  }
  return 0;
}

function sameContent(existing: Buffer | null, content: string | Uint8Array): boolean {
  return (
    existing !== null &&
    existing.equals(typeof content === 'string' ? Buffer.from(content) : content)
  );
}

function readOrNull(path: string | undefined): Buffer | null {
  if (path === undefined) return null;
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}
