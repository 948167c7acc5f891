import type { Diagnostic } from './diagnostics/diagnostic.js';
import { print } from '../grammar/printer.js';
import { parseWithDiagnostics } from './loader.js';
import type { Source } from './source.js';

/** What {@link formatSource} gives: the canonical text, or the syntax errors that prevent it. */
export type FormatResult =
  | { readonly ok: true; readonly text: string; readonly changed: boolean }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * The canonical format of a `.net` source (what `netc fmt` writes): comments kept, 100 columns.
 * A source with syntax errors, or that is not valid UTF-8, is not formatted: its diagnostics come
 * back instead.
 */
export function formatSource(source: Source): FormatResult {
  const { program, diagnostics } = parseWithDiagnostics(source);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const text = print(program, source.text);
  return { ok: true, text, changed: text !== source.text };
}
