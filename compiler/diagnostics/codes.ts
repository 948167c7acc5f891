/**
 * Every diagnostic code netc emits, with a one-line title. `docs/diagnostics.md` lists them.
 * E0xxx: syntax; E1xxx: names and calls; E2xxx: types and values; E3xxx: shapes; E4xxx: limits
 * and structure; E5xxx: export (`netc compile --target onnx`); Wxxxx: warnings.
 */
export const diagnosticCodes = {
  E0001: 'unexpected character',
  E0002: 'syntax error',
  E0003: 'nesting too deep',
  E0004: 'unterminated string',
  E0005: 'not UTF-8 text',
  E1001: 'undefined name',
  E1002: 'unknown op or block',
  E1003: 'unknown argument',
  E1004: 'missing required argument',
  E1005: 'too many arguments',
  E1006: 'argument given twice',
  E1007: 'duplicate definition',
  E1008: 'import failed',
  E1009: 'unknown model',
  E1010: 'weights cannot be shared',
  E2001: 'wrong type',
  E2002: 'invalid value',
  E2003: 'division by zero',
  E2004: 'index out of range',
  E2005: 'number out of range',
  E2006: 'unpacking count mismatch',
  E3001: 'shape mismatch',
  E3002: 'groups do not divide channels',
  E3003: 'kernel larger than input',
  E3004: 'invalid shape',
  E4001: 'recursive block',
  E4002: 'limit exceeded',
  E4003: 'missing return',
  E4004: 'tensor returned twice',
  E4005: 'weights too large',
  E4006: 'layer names collide',
  E5001: 'op cannot be exported to ONNX',
  W0001: 'unused variable',
  W0002: 'odd length under stride-2 same padding',
  W0003: 'layer reaches no output',
} as const;

export type DiagnosticCode = keyof typeof diagnosticCodes;
