import { pickModel } from '../../compiler/pick-model.js';
import { jsonCount, summarize, type ModelSummary } from '../../compiler/summary.js';
import { renderSummary } from '../../compiler/summary-table.js';
import { escapeJson } from '../../compiler/util/escape.js';
import { sourceName, UsageError, type Output } from '../io.js';
import { defineCommand } from '../table.js';
import { checkPath, printDiagnostics } from './check.js';

/**
 * The JSON form: `model, inputs, outputs, layers, totalParams, trainableParams, nonTrainableParams, macs`.
 * MACs and activation bytes are exact: a number while safe (below 2^53), else a decimal string.
 */
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
      macs: jsonCount(l.macs),
      inputs: l.inputs,
      ...(l.shares === undefined ? {} : { shares: l.shares }),
    })),
    totalParams: s.totalParams,
    trainableParams: s.trainableParams,
    nonTrainableParams: s.nonTrainableParams,
    macs: jsonCount(s.macs),
    paramBytes: s.paramBytes,
    activationBytes: jsonCount(s.activationBytes),
  };
}

export const summaryCommand = defineCommand({
  name: 'summary',
  summary: 'layer table with params, MACs and memory (--json, --depth N)',
  usage: 'FILE [options]',
  files: 'one',
  description: `Print one row per layer of FILE's model ('-': standard input) with hierarchical names,
or with --depth N fold block instances nested N deep into one row each; then params (trainable /
non-trainable), MACs and memory.`,
  epilog: 'Exit status: 0 done, 1 FILE has errors, 2 usage or I/O error.',
  options: (o) => ({
    model: o.string('--model <NAME>', 'the model when FILE defines several'),
    depth: o.int('--depth <N>', 'fold blocks nested N deep into one row (default: no folding)', {
      min: 1,
    }),
    json: o.flag('--json', 'print JSON instead of the table'),
  }),
  finish: (values, files) => ({ ...values, file: files[0] }),
  run: (o, io: Output) => {
    const result = checkPath(o.file, o.model);
    if (!result.ok) {
      printDiagnostics(io, result.diagnostics, 'text');
      return 1;
    }
    const picked = pickModel(result, sourceName(o.file));
    if (!picked.ok) throw new UsageError(picked.message);
    const s = summarize(picked.graph, o.depth ?? Infinity);
    io.out(o.json ? escapeJson(JSON.stringify(summaryJson(s), null, 2)) : renderSummary(s));
    return 0;
  },
});
