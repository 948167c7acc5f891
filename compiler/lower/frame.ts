import type { Definition, Loc } from '../../grammar/ast.js';
import type { ExpansionFrame } from '../diagnostics/diagnostic.js';
import type { ScopeEntry } from '../ir/graph.js';
import type { Source } from '../source.js';
import type { NameScope } from './graph-builder.js';
import type { Value } from '../value.js';

/** A definition together with the file it came from. */
export interface DefinitionRef {
  readonly def: Definition;
  readonly source: Source;
}

/** One active model body or block instance during lowering. */
export interface Frame {
  readonly ref: DefinitionRef;
  readonly vars: Map<string, Value>;
  /** Block instances enclosing this one, for node names. */
  readonly scope: readonly ScopeEntry[];
  readonly names: NameScope;
  /** Loop variables bound right now, outermost first, for call-site notes. */
  readonly loops: { name: string; value: Value }[];
  /** The chain of call sites that expanded this frame, innermost first. */
  readonly expansion: readonly ExpansionFrame[];
  /** The instance whose weights this one's layers use (`shares:`, here or on an enclosing call). */
  readonly sharing?: Sharing;
}

/** A block call's `shares:`: its layers use those of the same path under `owner`. */
export interface Sharing {
  /** The full name of the owning instance (`stage1.enc`). */
  readonly owner: string;
  /** The full name of the sharing instance (`stage1.encoder_1`). */
  readonly own: string;
  /** The `shares:` argument, for diagnostics. */
  readonly loc: Loc;
}
