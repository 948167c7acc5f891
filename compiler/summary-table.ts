import { formatShape } from './ir/shape.js';
import type { ModelSummary } from './summary.js';
import { escapeText } from './util/escape.js';

/** Every digit, grouped: exact for bigints past 2^53 too. */
const thousands = (n: number | bigint): string => n.toLocaleString('en-US');
const mib = (bytes: number | bigint): string => `${(Number(bytes) / 2 ** 20).toFixed(2)} MiB`;

/** `3.26 M`: a count to three significant-ish figures (`thousands` gives every digit). */
export function humanCount(n: number | bigint | null): string {
  if (n === null) return '?';
  const units: [number, string][] = [
    [1e18, 'E'],
    [1e15, 'P'],
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  const x = Number(n);
  for (const [size, unit] of units) if (x >= size) return `${(x / size).toFixed(2)} ${unit}`;
  return String(n);
}

/** A cell: escaped (a layer name may hold controls or bidi overrides), then cut to `width`. */
function clip(s: string, width: number): string {
  const shown = escapeText(s);
  return shown.length <= width ? shown : `${shown.slice(0, width - 1)}…`;
}

/** The text table of `netc summary`: one row per layer (or folded block), then the totals. */
export function renderSummary(s: ModelSummary): string {
  const header = ['Layer', 'Op', 'Output shape', 'Params', 'MACs', 'Inputs'];
  const rows = s.layers.map((l) => [
    clip(l.name, 60),
    escapeText(l.nodes > 1 ? `${l.op} (${l.nodes} ops)` : l.op),
    formatShape(l.outputShape),
    l.shares === undefined ? thousands(l.params) : `shares ${clip(l.shares, 40)}`,
    humanCount(l.macs),
    clip(l.inputs.join(', '), 40),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = new Set([3, 4]);
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const port = (p: { name: string; shape: ModelSummary['inputs'][number]['shape'] }): string =>
    `${escapeText(p.name)} ${formatShape(p.shape)}`;
  const inputs = s.inputs.map(port).join(', ');
  const outputs = s.outputs.map(port).join(', ');
  const totals: [string, string][] = [
    ['Total params', `${thousands(s.totalParams)} (${mib(s.paramBytes)} as float32)`],
    ['Trainable params', thousands(s.trainableParams)],
    ['Non-trainable params', thousands(s.nonTrainableParams)],
    [
      'MACs (batch 1)',
      s.macs === null ? '? (unknown input dims)' : `${humanCount(s.macs)} (${thousands(s.macs)})`,
    ],
    [
      'Activation memory (batch 1)',
      s.activationBytes === null ? '? (unknown input dims)' : mib(s.activationBytes),
    ],
  ];
  const label = Math.max(...totals.map(([k]) => k.length));
  return [
    `Model ${escapeText(s.model)}: ${inputs} -> ${outputs}`,
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    ...totals.map(([k, v]) => `${`${k}:`.padEnd(label + 2)}${v}`),
  ].join('\n');
}
