import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource } from '../../compiler/compile.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { packageRoot } from '../../compiler/package-root.js';
import { Source } from '../../compiler/source.js';

/** The fenced `net` example of docs/language.md that defines `block <name>(`. */
export function docExample(name: string): string {
  const doc = readFileSync(join(packageRoot(), 'docs/language.md'), 'utf8');
  const blocks = [...doc.matchAll(/^```net\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  const found = blocks.find((b) => b.includes(`block ${name}(`));
  if (!found) throw new Error(`docs/language.md has no example defining block ${name}`);
  return found;
}

/** Compiles a docs example with a model appended; throws with the messages if it fails. */
export function compileDocExample(name: string, model: string): Graph {
  const r = checkSource(new Source('language.md.net', `${docExample(name)}\n${model}`));
  if (!r.ok || r.diagnostics.length > 0)
    throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  return r.graphs[0];
}

/**
 * Compiles `text` as `t.net`: the first graph when it checks, and every diagnostic as
 * `[code, line, column, message]`.
 */
export function compile(text: string) {
  const r = checkSource(new Source('t.net', text));
  const errors = r.diagnostics.map((d) => {
    const { line, column } = d.span.source.position(d.span.start);
    return [d.code, line, column, d.message];
  });
  return { graph: r.ok ? r.graphs[0] : undefined, errors };
}
