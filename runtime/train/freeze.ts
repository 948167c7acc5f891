/**
 * Freezing layers for fine-tuning (`--freeze PATTERN`, `fit`'s `freeze`): the layers whose
 * netc names (hierarchical, `base.stem.conv2d_bn_0.conv`) match a pattern get
 * `trainable = false`, so the optimizer never updates their weights. A pattern is a glob over
 * the whole name, `*` any run of characters and `?` one; a pattern also matches every layer
 * inside a block of that name (`base` freezes `base.…`). As in Keras 2, a frozen batch norm runs
 * in inference mode while training: it normalises with its moving statistics and leaves them
 * as they are (tfjs would otherwise keep updating them).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import { layerNames } from '../../compiler/ir/layer-names.js';

/** A pattern that matches no layer, or does not parse. */
export class FreezeError extends Error {
  override name = 'FreezeError';
}

/** The regular expression of a glob (`*`, `?`; everything else literal). */
export function globRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}(\\..*)?$`, 's');
}

/** The graph's layer (node) names that `patterns` match, in graph order. */
export function frozenNodes(graph: Graph, patterns: readonly string[]): string[] {
  const res = patterns.map((p) => {
    if (p.trim() === '') throw new FreezeError('a --freeze pattern is empty');
    return globRegExp(p);
  });
  for (const [i, re] of res.entries()) {
    if (!graph.nodes.some((n) => n.op !== 'input' && re.test(n.name))) {
      throw new FreezeError(
        `--freeze '${patterns[i]}' matches no layer of model '${graph.name}' (names are like '${graph.nodes.find((n) => n.op !== 'input')?.name ?? ''}'; see netc summary)`,
      );
    }
  }
  return graph.nodes
    .filter((n) => n.op !== 'input' && res.some((re) => re.test(n.name)))
    .map((n) => n.name);
}

/** How a freeze went: the layers frozen, and how many weights they hold. */
export interface Frozen {
  readonly layers: readonly string[];
  /** Trainable parameters frozen. */
  readonly params: number;
}

type CallFn = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => unknown;

/**
 * Freezes the layers of `model` (built from `graph`) that `patterns` match; call before the
 * model is compiled. Throws a `FreezeError` for a pattern that matches nothing.
 */
export function freezeLayers(
  model: tf.LayersModel,
  graph: Graph,
  patterns: readonly string[],
): Frozen {
  if (patterns.length === 0) return { layers: [], params: 0 };
  const names = new Set(frozenNodes(graph, patterns));
  const tfNames = layerNames(graph.nodes);
  let params = 0;
  const layers: string[] = [];
  for (const node of graph.nodes) {
    if (!names.has(node.name)) continue;
    const layer = model.getLayer(tfNames.get(node.id)!);
    params += layer.trainableWeights.reduce(
      (s, w) => s + w.shape.reduce((p: number, d) => p * (d ?? 0), 1),
      0,
    );
    layer.trainable = false;
    layers.push(node.name);
    if (node.op === 'batch_norm') {
      // Keras semantics for a frozen batch norm: inference mode in training steps too.
      const target = layer as unknown as { call: CallFn };
      const call = target.call.bind(layer) as CallFn;
      target.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
    }
  }
  return { layers, params };
}
