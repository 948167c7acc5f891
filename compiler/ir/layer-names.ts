import type { IRNode } from './graph.js';

/** tfjs's rule for layer and weight names (tfjs-layers common.ts, isValidTensorName). */
const validName = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

/**
 * A layer name for tfjs from a hierarchical netc name: characters outside `[-A-Za-z0-9._]`
 * become `_` (`/` too: tfjs uses it to scope weight names), a leading non-alphanumeric gets an
 * `n` in front, and names of `Object.prototype` members get a `_` after. Stable: depends on the name only.
 */
export function sanitizeName(name: string): string {
  let s = name.replace(/[^-A-Za-z0-9._]/g, '_');
  if (!/^[A-Za-z0-9]/.test(s)) s = `n${s}`;
  // tfjs 4.22 keeps layer names as plain-object keys: `constructor` or `toString` break predict.
  if (s in Object.prototype) s = `${s}_`;
  return validName.test(s) ? s : 'n';
}

/** Sanitized, unique layer names per node id, in node order (`_2`, `_3`... on clashes). */
export function layerNames(nodes: readonly IRNode[]): Map<number, string> {
  const used = new Set<string>();
  const out = new Map<number, string>();
  for (const n of nodes) {
    const base = sanitizeName(n.name);
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    out.set(n.id, name);
  }
  return out;
}
