import { show } from './attrs.js';
import type { InputArity, OpCategory, OpDef, WeightDoc } from './op.js';
import { allOps } from './registry.js';

const titles: Record<OpCategory, string> = {
  input: 'Input',
  convolution: 'Convolution',
  dense: 'Dense',
  normalization: 'Normalization',
  activation: 'Activations',
  regularization: 'Regularization',
  pooling: 'Pooling',
  padding: 'Padding',
  reshaping: 'Reshaping',
  merging: 'Merging',
  embedding: 'Embedding',
  attention: 'Attention',
  recurrent: 'Recurrent',
};

const code = (s: string): string => `\`${s}\``;

/** A table cell: pipes escaped, as GitHub tables need even inside code spans. */
const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** A markdown table with padded columns, the layout prettier gives it. */
function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows].map((r) => r.map(cell));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(all[0]), rule, ...all.slice(1).map(line)];
}

function arity({ min, max }: InputArity): string {
  const tensors = (n: number) => `${n} tensor${n === 1 ? '' : 's'}`;
  if (max === 0) return 'none';
  if (min === max) return tensors(min);
  return max === Infinity ? `${tensors(min)} or more` : `${min} to ${tensors(max)}`;
}

function params(op: OpDef): string[] {
  if (op.params.length === 0) return ['Parameters: none.'];
  const rows = op.params.map((p) => [
    code(p.name),
    code(p.type.label),
    p.default === undefined ? 'required' : code(show(p.default)),
    p.doc,
  ]);
  return table(['Parameter', 'Type', 'Default', 'Description'], rows);
}

function weights(docs: readonly WeightDoc[] | undefined): string[] {
  if (!docs || docs.length === 0) return ['Weights: none.'];
  const rows = docs.map((w) => [
    code(w.name),
    code(w.shape),
    w.trainable ? 'yes' : 'no',
    w.when ? `when ${code(w.when)}` : 'always',
  ]);
  return table(['Weight', 'Shape', 'Trainable', 'Created'], rows);
}

function renderOp(op: OpDef): string[] {
  return [
    `### ${code(op.name)}`,
    '',
    op.doc,
    '',
    `Inputs: ${arity(op.inputs)}.`,
    '',
    ...params(op),
    '',
    ...weights(op.weightDocs),
    '',
  ];
}

/** The markdown reference of every registered op, grouped by category in registry order. */
export function renderOpsMarkdown(ops: readonly OpDef[] = allOps): string {
  const lines = [
    '# Op reference',
    '',
    '<!-- Generated from compiler/ops/registry.ts by compiler/ops/docs.ts; do not edit. -->',
    '',
    'Shapes leave out the batch dimension and are channels-last. MACs are multiply-accumulates for one sample.',
    '',
  ];
  const categories = [...new Set(ops.map((op) => op.category))];
  for (const category of categories) {
    lines.push(`## ${titles[category]}`, '');
    for (const op of ops.filter((o) => o.category === category)) lines.push(...renderOp(op));
  }
  return lines.join('\n');
}
