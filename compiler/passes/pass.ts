import type { GraphEditor } from './graph-editor.js';
import type { WeightEdit } from './weight-edits.js';

export interface PassContext {
  readonly graph: GraphEditor;
  /** Records how the weights of the nodes a rewrite touched change. */
  weights(edit: WeightEdit): void;
}

/** One inference-only rewrite of the IR. `run` returns the number of nodes it removed or changed. */
export interface Pass {
  readonly name: string;
  readonly doc: string;
  run(ctx: PassContext): number;
}
