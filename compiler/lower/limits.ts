/** Compile-time limits that keep hostile or mistaken sources from hanging the compiler. */
export interface Limits {
  /** Iterations of one `for` loop (and elements of one `range`). */
  readonly loopIterations: number;
  /** IR nodes in one model. */
  readonly nodes: number;
  /** Expressions and statements evaluated while lowering one model. */
  readonly steps: number;
  /** Nested block expansions. */
  readonly callDepth: number;
  /** Files reachable through imports. */
  readonly files: number;
}

export const defaultLimits: Limits = {
  loopIterations: 100_000,
  nodes: 200_000,
  steps: 2_000_000,
  callDepth: 64,
  files: 256,
};
