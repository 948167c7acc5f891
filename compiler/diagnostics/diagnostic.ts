import type { Span } from '../source.js';
import type { DiagnosticCode } from './codes.js';

export type Severity = 'error' | 'warning';

/** A secondary location or remark attached to a diagnostic. */
export interface Note {
  readonly message: string;
  readonly span?: Span;
}

/** One block expansion on the way to a diagnostic, innermost first in `Diagnostic.expansion`. */
export interface ExpansionFrame {
  /** `grouped_bottleneck(filters=256, stride=2)` */
  readonly call: string;
  /** Where the call was written. */
  readonly span: Span;
  /** Loop indices live at the call site, e.g. `stage=1, i=0`. */
  readonly loops: string;
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
  readonly notes: readonly Note[];
  readonly expansion: readonly ExpansionFrame[];
  /** A concrete fix, e.g. the projection that makes a residual's operands agree; printed last. */
  readonly help?: string;
}

/** Collects diagnostics, merging repeats of the same error from many block expansions. */
export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];
  private readonly repeats = new Map<string, { index: number; count: number }>();
  private errors = 0;

  /** Distinct errors so far (repeats merged), in O(1): lowering asks after every model. */
  get errorCount(): number {
    return this.errors;
  }

  add(d: Diagnostic): void {
    const key = repeatKey(d);
    const seen = this.repeats.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    this.repeats.set(key, { index: this.items.length, count: 1 });
    this.items.push(d);
    if (d.severity === 'error') this.errors++;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** Diagnostics sorted by file and position, with a note on merged repeats. */
  all(): Diagnostic[] {
    const out = this.items.map((d) => {
      const key = repeatKey(d);
      const count = this.repeats.get(key)?.count ?? 1;
      if (count === 1) return d;
      const more = count - 1;
      const note = {
        message: `the same ${d.severity} occurs in ${more} more expansion${more === 1 ? '' : 's'}`,
      };
      return { ...d, notes: [...d.notes, note] };
    });
    return out.sort(
      (a, b) =>
        a.span.source.path.localeCompare(b.span.source.path) ||
        a.span.start - b.span.start ||
        a.code.localeCompare(b.code),
    );
  }
}

/** Diagnostics with the same code, place and message are one, repeated by block expansions. */
const repeatKey = (d: Diagnostic): string =>
  `${d.code}@${d.span.source.path}:${d.span.start}-${d.span.end}:${d.message}`;
