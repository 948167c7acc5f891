import type { Loc } from '../../grammar/ast.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Note } from '../diagnostics/diagnostic.js';

/**
 * An error while evaluating one statement. The statement loop catches it, reports it with the
 * current expansion chain, and carries on with the next statement.
 */
export class LowerError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly loc: Loc,
    readonly notes: readonly Note[] = [],
    /** A concrete fix (`Diagnostic.help`). */
    readonly help?: string,
  ) {
    super(message);
  }
}

/** Thrown when a limit is hit: lowering of the whole model stops. */
export class LimitError extends LowerError {
  /**
   * Set once reported. The innermost block expansion reports it, while its frame (the file the
   * location is in, and the expansion chain) is still current; outer frames only unwind.
   */
  reported = false;
}
