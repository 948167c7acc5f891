import type { Graph, IRNode } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import type { DiagnosticCode } from '../../compiler/diagnostics/codes.js';
import { OpError, type OpDef } from '../../compiler/ops/op.js';
import type { OnnxValue } from '../../compiler/ops/onnx.js';
import { effectiveLayout, layoutPerm } from '../../compiler/ops/onnx-layout.js';
import { getOp } from '../../compiler/ops/registry.js';
import { loweringContext, type LoweringState } from './lowering-context.js';
import { OnnxModelBuilder } from './model-builder.js';
import { guardPadFusion } from './pad-fusion-guard.js';
import type { ExternalData, ExternalDataMode } from './external-data-plan.js';
import { weightProblems } from '../../compiler/weights-check.js';

/** The opset netc writes by default: ONNX 1.12's, IR version 8. */
export const DEFAULT_OPSET = 17;
/** The opsets the lowerings are written for (ReduceMean's axes became an input in 18). */
export const OPSET_RANGE = { min: 17, max: 21 } as const;

export interface OnnxExportOptions {
  /** The default ONNX opset to import, in OPSET_RANGE (default DEFAULT_OPSET). */
  readonly opset?: number;
  /** Written into the model's producer_version. */
  readonly producerVersion?: string;
  /**
   * Names of the graph inputs and outputs: the model's port names (the default), or `input_0`,
   * `output_0`... by position, for consumers that key plain objects by them (onnxruntime's JS
   * API would lose a port named `__proto__`).
   */
  readonly ioNames?: 'ports' | 'indexed';
}

export interface OnnxModelExportOptions extends OnnxExportOptions {
  /**
   * Where the weights go (codegen/onnx/external-data.ts): `auto` (the default) moves the large
   * ones to a data file when the model would exceed 2,000,000,000 bytes, `always` does it
   * whatever the size, `never` keeps them inline.
   */
  readonly externalData?: ExternalDataMode;
  /** The model's file name (no folder), which names the data file (default `model.onnx`). */
  readonly modelFileName?: string;
}

/** An exported model: the `.onnx` bytes, and its data file when the weights went out. */
export interface OnnxModelFiles {
  readonly model: Uint8Array;
  readonly data?: ExternalData;
}

/**
 * A graph that cannot be exported: an op without an ONNX lowering, an op argument ONNX cannot
 * express, or weights that do not fit. `node` (when there is one) locates it in the source.
 */
export class OnnxExportError extends Error {
  override readonly name = 'OnnxExportError';
  constructor(
    message: string,
    readonly node?: IRNode,
    readonly code: DiagnosticCode = 'E5001',
  ) {
    super(message);
  }
}

/** The lowest IR version that knows the opset (IR 8: opsets up to 18; 9: 20; 10: 21). */
const irVersionFor = (opset: number): number => (opset <= 18 ? 8 : opset <= 20 ? 9 : 10);

/** The op of a node, when it has an ONNX lowering. */
function onnxOp(node: IRNode): OpDef | undefined {
  const op = getOp(node.op);
  return op?.onnx ? op : undefined;
}

/** The nodes whose op has no ONNX lowering, in graph order. */
export function unsupportedOnnxNodes(graph: Graph): IRNode[] {
  return graph.nodes.filter((n) => !onnxOp(n));
}

/** The message for a node whose op has no ONNX lowering. */
export const unsupportedMessage = (node: IRNode): string =>
  `op '${node.op}' has no ONNX lowering (node ${node.name}), so this model cannot be exported to ONNX`;

/** A name for the batch dim that no symbolic dim of the model uses. */
function batchDimName(graph: Graph): string {
  const symbols = new Set(
    [...graph.inputs, ...graph.outputs].flatMap((p) =>
      p.shape.filter((d) => typeof d === 'string'),
    ),
  );
  let name = 'batch';
  for (let k = 2; symbols.has(name); k++) name = `batch_${k}`;
  return name;
}

/**
 * Exports a graph and its weights (Keras layouts, `weightKey` names) as an ONNX model
 * (serialized ModelProto). Inputs and outputs have the graph's port names and netc's layout
 * (batch first, channels last); inside, spatial ops run channels-first, with Transposes where
 * the layout changes (see codegen/onnx/README.md). Throws an `OnnxExportError` for a graph it
 * cannot export.
 */
export function exportOnnx(
  graph: Graph,
  weights: GraphWeights,
  options: OnnxExportOptions = {},
): Uint8Array {
  return exportOnnxModel(graph, weights, { ...options, externalData: 'never' }).model;
}

/**
 * `exportOnnx` for models of any size: the model, and (by `options.externalData`) a data file
 * holding its large weights, to be written beside it under `data.name`.
 */
export function exportOnnxModel(
  graph: Graph,
  weights: GraphWeights,
  options: OnnxModelExportOptions = {},
): OnnxModelFiles {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < OPSET_RANGE.min || opset > OPSET_RANGE.max) {
    throw new OnnxExportError(
      `opset ${opset} is not supported: netc writes opsets ${OPSET_RANGE.min} to ${OPSET_RANGE.max}`,
    );
  }
  const unsupported = unsupportedOnnxNodes(graph);
  if (unsupported.length > 0)
    throw new OnnxExportError(unsupportedMessage(unsupported[0]), unsupported[0]);
  const problems = weightProblems(graph, weights);
  if (problems.length > 0) {
    throw new OnnxExportError(
      `weights do not match graph ${graph.name}:\n  ${problems.join('\n  ')}`,
    );
  }

  const builder = new OnnxModelBuilder();
  const batch = batchDimName(graph);
  const graphInputs = new Map<number, string>();
  const indexed = options.ioNames === 'indexed';
  for (const [i, port] of graph.inputs.entries()) {
    const wanted = indexed ? `input_${i}` : port.name;
    const name = builder.reserve(wanted) ? wanted : builder.unique(wanted);
    builder.input(name, batch, port.shape);
    graphInputs.set(port.node, name);
  }
  const outputNames = graph.outputs.map((p, i) => {
    const wanted = indexed ? `output_${i}` : p.name;
    return builder.reserve(wanted) ? wanted : builder.unique(`${wanted}_output`);
  });

  const state: LoweringState = {
    builder,
    weights,
    opset,
    nodes: new Map(graph.nodes.map((n) => [n.id, n])),
    values: new Map(),
    graphInputs,
    transposed: new Map(),
    constants: new Map(),
  };
  for (const node of graph.nodes) {
    const op = onnxOp(node)!;
    let value: OnnxValue;
    try {
      value = op.onnx!(loweringContext(state, node));
    } catch (e) {
      if (e instanceof OpError) throw new OnnxExportError(e.message, node, e.code);
      throw e;
    }
    state.values.set(node.id, {
      ...value,
      layout: effectiveLayout(node.shape.length, value.layout),
    });
  }

  graph.outputs.forEach((port, i) => {
    const v = state.values.get(port.node)!;
    const rank = port.shape.length;
    const name = outputNames[i];
    if (v.layout === 'channels_last') builder.node('Identity', [v.name], {}, name, name);
    else {
      const perm = layoutPerm(rank, v.layout, 'channels_last');
      builder.node('Transpose', [v.name], { perm }, name, name);
    }
    builder.output(name, batch, port.shape);
  });

  const spatial = new Map(
    [...state.values].map(([id, v]) => [v.name, state.nodes.get(id)!.shape.slice(0, -1)]),
  );
  guardPadFusion(builder.graphNodes, (tensor) => spatial.get(tensor));

  const meta = {
    graphName: graph.name,
    opset,
    irVersion: irVersionFor(opset),
    producerVersion: options.producerVersion ?? '',
  };
  return builder.encodeParts(
    meta,
    options.externalData ?? 'auto',
    options.modelFileName ?? 'model.onnx',
  );
}
