/**
 * Whether the moving statistics of batch norm can have converged in a training run: after s
 * steps at momentum m, m^s of their starting values still weighs in the moving mean and
 * variance that inference uses. Reads the graph only (no TensorFlow.js).
 */
import type { Graph } from '../../compiler/ir/graph.js';

/** How much of the starting moving statistics remains after a run. */
export interface MovingStatsWarmup {
  /** The largest momentum among the batch norm layers (the slowest to move). */
  readonly momentum: number;
  /** Batch norm layers with that momentum, and in all. */
  readonly layers: number;
  readonly allLayers: number;
  readonly steps: number;
  /** momentum^steps: the weight of the starting values. */
  readonly remaining: number;
}

/** The warm-up state after `steps` training steps; null when the graph has no batch norm. */
export function movingStatsWarmup(graph: Graph, steps: number): MovingStatsWarmup | null {
  const momenta = graph.nodes
    .filter((n) => n.op === 'batch_norm')
    .map((n) => n.attrs.momentum)
    .filter((m): m is number => typeof m === 'number');
  if (momenta.length === 0) return null;
  const momentum = Math.max(...momenta);
  return {
    momentum,
    layers: momenta.filter((m) => m === momentum).length,
    allLayers: momenta.length,
    steps,
    remaining: momentum ** steps,
  };
}

/** The default share of the starting values above which a run is reported as too short. */
export const WARMUP_LIMIT = 0.05;

/**
 * A one-line note when more than `limit` of the starting statistics remains, else null:
 * `batch norm moving statistics: 0.99^20 = 81.8% of their starting values remain ...`.
 */
export function warmupNote(w: MovingStatsWarmup | null, limit = WARMUP_LIMIT): string | null {
  if (!w || !(w.remaining > limit)) return null;
  const percent = (w.remaining * 100).toFixed(1);
  const needed = w.momentum < 1 ? Math.ceil(Math.log(limit) / Math.log(w.momentum)) : Infinity;
  const remedy = Number.isFinite(needed)
    ? `about ${needed} steps bring it under ${limit * 100}%, or lower the momentum`
    : 'at momentum 1 they never move: lower the momentum';
  const which =
    w.layers === w.allLayers
      ? `${w.allLayers} layer${w.allLayers === 1 ? '' : 's'}`
      : `${w.layers} of ${w.allLayers} layers`;
  return `batch norm moving statistics: ${w.momentum}^${w.steps} = ${percent}% of their starting values remain after ${w.steps} step${w.steps === 1 ? '' : 's'} (${which} at momentum ${w.momentum}); inference and validation use them: ${remedy}`;
}
