import { parseArgs } from 'node:util';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';
import { summarize, type ModelSummary } from '../../compiler/summary.js';
import { renderSummary } from '../../compiler/summary-table.js';
import { readSource, UsageError, type Output } from '../io.js';
import { printDiagnostics } from './check.js';

export const summaryHelp = `usage: netc summary FILE [--model NAME] [--depth N] [--json]

Print one row per layer (hierarchical names), or with --depth N fold block instances nested
N deep into one row each; then params (trainable / non-trainable), MACs and memory.`;

/** The JSON form: `model, inputs, outputs, layers, totalParams, trainableParams, nonTrainableParams, macs`. */
export function summaryJson(s: ModelSummary): object {
  const shape = (dims: readonly (number | string | null)[]) =>
    dims.map((d) => (typeof d === 'number' ? d : d === null ? null : d));
  return {
    model: s.model,
    inputs: s.inputs.map((p) => ({ name: p.name, shape: [null, ...shape(p.shape)] })),
    outputs: s.outputs.map((p) => ({ name: p.name, shape: [null, ...shape(p.shape)] })),
    layers: s.layers.map((l) => ({
      name: l.name,
      op: l.op,
      outputShape: [null, ...shape(l.outputShape)],
      params: l.params,
      trainableParams: l.trainableParams,
      macs: l.macs,
      inputs: l.inputs,
    })),
    totalParams: s.totalParams,
    trainableParams: s.trainableParams,
    nonTrainableParams: s.nonTrainableParams,
    macs: s.macs,
    paramBytes: s.paramBytes,
    activationBytes: s.activationBytes,
  };
}

export function runSummary(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { model: { type: 'string' }, depth: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('netc summary needs exactly one FILE');
  const depth = values.depth === undefined ? Infinity : Number(values.depth);
  if (depth !== Infinity && (!Number.isInteger(depth) || depth < 1))
    throw new UsageError(`--depth must be a positive integer, found '${values.depth}'`);
  const path = positionals[0];
  const result = checkSource(new Source(path, readSource(path)), { model: values.model });
  if (!result.ok) {
    printDiagnostics(io, result.diagnostics, 'text');
    return 1;
  }
  if (result.graphs.length !== 1) {
    const names = result.graphs.map((g) => g.name).join(', ') || 'none';
    throw new UsageError(
      `${path} defines ${result.graphs.length} models (${names}); choose one with --model NAME`,
    );
  }
  const s = summarize(result.graphs[0], depth);
  io.out(values.json ? JSON.stringify(summaryJson(s), null, 2) : renderSummary(s));
  return 0;
}
