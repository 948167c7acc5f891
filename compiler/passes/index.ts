/**
 * Inference-only rewrites of the IR, shared by the tfjs interpreter (`loadModel({optimize})`,
 * `netc run`), the generated TypeScript (`netc compile --optimize`) and the ONNX export.
 * Training keeps the graph as written: these rewrites drop dropout and freeze batch norm.
 *
 * Each pass edits a copy of the graph and records how the weights of what it touched change;
 * `foldWeights` replays those edits on the weights of the unoptimized graph (the weights a user
 * trains and saves), giving the weights of the optimized one. Nodes keep their names, so a
 * folded conv's weights stay `<conv name>/kernel` and `/bias`.
 *
 * Grouped convolution is not rewritten here: it stays one op and each backend runs it its
 * fastest exact way (tfjs: runtime/layers/conv.ts; ONNX: a native `Conv` with `group`).
 */
import type { Graph } from '../ir/graph.js';
import type { GraphWeights } from '../ir/weights.js';
import { dropDropout } from './drop-dropout.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { foldScale } from './fold-scale.js';
import { fuseActivation } from './fuse-activation.js';
import { GraphEditor } from './graph-editor.js';
import type { Pass } from './pass.js';
import { removeIdentities } from './remove-identities.js';
import { applyWeightEdits, type WeightEdit } from './weight-edits.js';

export type { Pass } from './pass.js';

/** The passes, in the order they run: later ones see what earlier ones exposed. */
export const PASSES: readonly Pass[] = [
  dropDropout,
  removeIdentities,
  foldBatchNorm,
  foldScale,
  fuseActivation,
];

export interface OptimizeOptions {
  /** Run only these passes (by name), in the standard order; default: all. */
  readonly passes?: readonly string[];
}

/** What one pass did. */
export interface PassReport {
  readonly pass: string;
  /** Nodes it removed or rewrote. */
  readonly changed: number;
}

export interface Optimized {
  readonly graph: Graph;
  /** Maps weights of the input graph to weights of the optimized graph; the input is not changed. */
  foldWeights(weights: GraphWeights): GraphWeights;
  readonly passes: readonly PassReport[];
}

export function optimizeForInference(graph: Graph, options: OptimizeOptions = {}): Optimized {
  const selected = options.passes;
  if (selected) {
    const unknown = selected.filter((p) => !PASSES.some((q) => q.name === p));
    if (unknown.length > 0) throw new Error(`unknown passes: ${unknown.join(', ')}`);
  }
  const editor = new GraphEditor(graph);
  const edits: WeightEdit[] = [];
  const ctx = { graph: editor, weights: (e: WeightEdit) => void edits.push(e) };
  const passes = PASSES.filter((p) => !selected || selected.includes(p.name)).map((p) => ({
    pass: p.name,
    changed: p.run(ctx),
  }));
  return {
    graph: editor.toGraph(),
    foldWeights: (weights) => applyWeightEdits(weights, edits),
    passes,
  };
}
