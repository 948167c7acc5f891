import type { Graph, IRNode } from '../compiler/ir/graph.js';
import type { Shape } from '../compiler/ir/shape.js';
import { OpError } from '../compiler/ops/op.js';
import { getOp } from '../compiler/ops/registry.js';

/**
 * A node's shape rule rejected the shapes that concrete inputs give it. `node` is the failing
 * node (its span and expansion chain locate it in the source); `reason` is the rule's error,
 * an `OpError` with a diagnostic code and notes when the rule is the registry's.
 */
export class InferShapesError extends Error {
  override readonly name = 'InferShapesError';
  constructor(
    readonly node: IRNode,
    readonly reason: unknown,
  ) {
    super(
      `${node.name} (${node.op}): ${reason instanceof Error ? reason.message : String(reason)}`,
    );
  }

  /** The rule's error as an `OpError`, when it is one. */
  get opError(): OpError | undefined {
    return this.reason instanceof OpError ? this.reason : undefined;
  }
}

/**
 * Re-runs the registry's shape rules over a graph for concrete input shapes (one per graph
 * input, without the batch), giving every node's shape. Throws an `InferShapesError` (naming the
 * node, wrapping the op's `OpError`) when the inputs are too small or otherwise invalid — worth
 * checking before running a model on them: the wasm backend does not check sizes itself and can
 * fail with an out-of-bounds access that leaves it unusable.
 */
export function inferShapes(graph: Graph, inputShapes: readonly Shape[]): Map<number, Shape> {
  if (inputShapes.length !== graph.inputs.length) {
    throw new Error(`${graph.name} takes ${graph.inputs.length} inputs, got ${inputShapes.length}`);
  }
  const given = new Map(graph.inputs.map((p, i) => [p.node, inputShapes[i]]));
  const shapes = new Map<number, Shape>();
  for (const node of graph.nodes) {
    const ins = node.inputs.map((i) => shapes.get(i)!);
    const op = getOp(node.op);
    if (!op) throw new Error(`unknown op '${node.op}'`);
    let shape = given.get(node.id);
    if (!shape) {
      try {
        shape = op.shape(ins, node.attrs);
      } catch (e) {
        throw new InferShapesError(node, e);
      }
    }
    shapes.set(node.id, shape);
  }
  return shapes;
}

/**
 * Concrete input shapes for a graph: known dims kept, unknown and symbolic ones set to the
 * first size in `sizes` for which every node's shape rule accepts the inputs.
 */
export function concreteInputShapes(
  graph: Graph,
  sizes: readonly number[] = [8, 16, 32, 64, 75, 96, 128, 160, 224, 299],
): number[][] {
  let lastError: unknown;
  for (const n of sizes) {
    const shapes = graph.inputs.map((p) => p.shape.map((d) => (typeof d === 'number' ? d : n)));
    try {
      inferShapes(graph, shapes);
      return shapes;
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(
    `no input size in [${sizes.join(', ')}] fits ${graph.name}: ${String(lastError)}`,
  );
}
