/**
 * `netc weights convert FILE IN OUT [--fold]`: weights between the two formats netc writes
 * (a `.safetensors` file, a tfjs layers folder), checked against FILE's model, optionally folded
 * for the module `netc compile --optimize` makes. Without TensorFlow.js: io/weights-file.ts
 * reads and writes both formats, and records the fingerprint of the graph the output is for.
 */
import { resolve } from 'node:path';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import { pickModel } from '../../compiler/pick-model.js';
import { optimizeForInference } from '../../compiler/passes/index.js';
import { WeightMismatchError } from '../../compiler/weights-check.js';
import { SafetensorsError } from '../../io/safetensors.js';
import { TfjsFilesError, WeightsFileError } from '../../io/weights-errors.js';
import { readWeightsFile, weightsFormat, writeWeightsFile } from '../../io/weights-file.js';
import { fileError } from '../errors.js';
import { DataError, FileError, sourceName, UsageError, type Output } from '../io.js';
import { defineCommand, type OptionTable } from '../table.js';
import { checkPath, countLine, printDiagnostics } from './check.js';

const DESCRIPTION = `Converts the weights IN of FILE's model to OUT: a path ending in .safetensors is a
safetensors file, any other path a TensorFlow.js layers folder (model.json + its weight shard), as
'netc run --weights' reads them and 'netc train --save' writes them. IN is checked against the
model first: every weight, by name and shape.

IN may hold the weights of the graph as written or the folded ones of its optimized graph (batch
norm folded, activations fused: what 'netc compile --optimize' modules take). --fold folds the
weights of the graph as written. OUT records the fingerprint of the graph it is for, which
compiled modules check. Values are copied bit for bit; OUT is written atomically.`;

function convertOptions(o: OptionTable) {
  return {
    model: o.string('--model <NAME>', 'the model when FILE defines several'),
    fold: o.flag(
      '--fold',
      "fold the weights for the inference-optimized graph, as 'netc compile --optimize --weights' does",
    ),
  };
}

function finishConvert(v: ReturnType<typeof convertOptions>, operands: readonly string[]) {
  const [action, file, input, output, ...rest] = operands;
  if (action !== 'convert') {
    throw new UsageError(`unknown action '${action}': netc weights convert FILE IN OUT`);
  }
  if (output === undefined || rest.length > 0) {
    throw new UsageError(
      `netc weights convert takes FILE IN OUT, got ${operands.length - 1} operand${operands.length === 2 ? '' : 's'}`,
    );
  }
  if (resolve(input) === resolve(output))
    throw new UsageError(`OUT is IN (${input}): write the converted weights elsewhere`);
  return { ...v, file, input, output };
}

export const weightsCommand = defineCommand({
  name: 'weights',
  summary: 'convert weights: safetensors <-> tfjs folder, folded for --optimize or not',
  usage: 'convert FILE IN OUT [options]',
  files: 'many',
  description: DESCRIPTION,
  epilog: `Exit status: 0 done; 1 compile errors, or IN does not fit the model; 2 usage or I/O error.`,
  options: convertOptions,
  finish: finishConvert,
  run: runConvert,
});

async function runConvert(o: ReturnType<typeof finishConvert>, io: Output): Promise<number> {
  const result = checkPath(o.file, o.model);
  if (result.diagnostics.length > 0) printDiagnostics(io, result.diagnostics, 'text');
  if (!result.ok) {
    io.err(countLine(result.diagnostics, 1));
    return 1;
  }
  const picked = pickModel(result, sourceName(o.file));
  if (!picked.ok) throw new UsageError(picked.message);
  const graph = picked.graph;
  const optimized = optimizeForInference(graph);

  let target: Graph = graph;
  let weights: GraphWeights;
  let folded = false;
  try {
    weights = await readWeightsFile(o.input, graph);
  } catch (e) {
    if (!(e instanceof WeightMismatchError)) throw readError(e, o.input);
    // Not the weights of the graph as written: maybe the folded ones of its optimized graph.
    try {
      weights = await readWeightsFile(o.input, optimized.graph);
    } catch {
      throw readError(e, o.input);
    }
    target = optimized.graph;
    folded = true;
  }
  if (o.fold && !folded) {
    weights = optimized.foldWeights(weights);
    target = optimized.graph;
  }
  try {
    await writeWeightsFile(o.output, target, weights);
  } catch (e) {
    if (e instanceof WeightsFileError || e instanceof TfjsFilesError)
      throw new FileError(e.message);
    throw fileError(e, o.output, 'write', true) ?? e;
  }
  const format =
    weightsFormat(o.output) === 'safetensors' ? 'safetensors' : 'model.json + weights.<hash>.bin';
  const what =
    target === graph
      ? 'the graph as written'
      : `the optimized graph (${o.fold && !folded ? 'folded' : 'IN was folded already'})`;
  io.out(`wrote ${o.output} (${format}, ${weights.size} tensors, for ${what})`);
  return 0;
}

/**
 * The weights at `path`, checked against `graph`, without TensorFlow.js; failures as the CLI
 * reports them (`netc compile --optimize --weights` reads W this way).
 */
export async function readCheckedWeights(path: string, graph: Graph): Promise<GraphWeights> {
  try {
    return await readWeightsFile(path, graph);
  } catch (e) {
    throw readError(e, path);
  }
}

/** A read failure as the CLI reports it: 1 for weights of another model, 2 for a bad file. */
function readError(e: unknown, path: string): Error {
  if (e instanceof WeightMismatchError) return DataError.fromLines(`${path}: ${e.message}`);
  if (e instanceof WeightsFileError) return new FileError(e.message);
  if (e instanceof SafetensorsError || e instanceof TfjsFilesError)
    return new FileError(`${path}: ${e.message}`);
  return fileError(e, path, 'read', true) ?? (e as Error);
}
