import type { Dim } from '../../compiler/ir/shape.js';
import type { WeightArray } from '../../compiler/ir/weights.js';
import type { OnnxAttr } from '../../compiler/ops/onnx.js';
import { attribute } from './attributes.js';
import {
  externalize,
  planExternalData,
  type ExternalData,
  type ExternalDataMode,
} from './external-data.js';
import { onnx, type OnnxProto } from './proto.js';
import { floatTensor, int64Tensor, valueInfo } from './tensors.js';

export interface ModelMeta {
  readonly graphName: string;
  readonly opset: number;
  readonly irVersion: number;
  readonly producerVersion: string;
}

/**
 * Collects the nodes, initializers, inputs and outputs of one ONNX graph, and hands out names:
 * every node is named after its one output tensor, and no two tensors or nodes share a name
 * (`conv`, then `conv_2`...). Graph input and output names are reserved first, so they stay
 * exactly the model's port names.
 */
export class OnnxModelBuilder {
  private readonly names = new Set<string>();
  private readonly nodes: OnnxProto.INodeProto[] = [];
  private readonly initializers: OnnxProto.ITensorProto[] = [];
  private readonly inputs: OnnxProto.IValueInfoProto[] = [];
  private readonly outputs: OnnxProto.IValueInfoProto[] = [];

  /** Claims `name` exactly; false when it is taken already. */
  reserve(name: string): boolean {
    if (this.names.has(name)) return false;
    this.names.add(name);
    return true;
  }

  /** `base`, or `base_2`, `base_3`...: a name nothing else has; claimed. */
  unique(base: string): string {
    let name = base;
    for (let k = 2; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  /**
   * A node with one output, named `output` when given (a reserved name) or else after `base`
   * made unique; returns the output's name.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, OnnxAttr>>,
    base: string,
    output?: string,
  ): string {
    const name = output ?? this.unique(base);
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: [name],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return name;
  }

  /** A node with several outputs, each named after its `bases` entry made unique. */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, OnnxAttr>>,
    bases: readonly string[],
  ): string[] {
    const outputs = bases.map((b) => this.unique(b));
    this.nodes.push({
      name: outputs[0],
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  floatInitializer(base: string, w: WeightArray): string {
    const name = this.unique(base);
    this.initializers.push(floatTensor(name, w));
    return name;
  }

  int64Initializer(base: string, values: readonly number[]): string {
    const name = this.unique(base);
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  /** A float32 graph input or output whose name was reserved. */
  input(name: string, batch: string, shape: readonly Dim[]): void {
    this.inputs.push(valueInfo(name, batch, shape));
  }

  output(name: string, batch: string, shape: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, batch, shape));
  }

  /** The nodes so far, in order, for rewrites of the whole graph before encoding. */
  get graphNodes(): readonly OnnxProto.INodeProto[] {
    return this.nodes;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The model with every initializer inline. */
  encode(meta: ModelMeta): Uint8Array {
    return this.encodeWith(meta, this.initializers);
  }

  /**
   * The model, with its large initializers in a data file when `mode` says so
   * (codegen/onnx/external-data.ts); `modelFileName` names the data file.
   */
  encodeParts(
    meta: ModelMeta,
    mode: ExternalDataMode,
    modelFileName: string,
  ): { model: Uint8Array; data?: ExternalData } {
    if (mode === 'never') return { model: this.encode(meta) };
    const bare = this.initializers.map(({ rawData: _, ...rest }) => rest);
    const sizes = this.initializers.map((t) => t.rawData?.length ?? 0);
    const plan = planExternalData(mode, this.encodeWith(meta, bare).length, sizes);
    const { initializers, data } = externalize(this.initializers, plan, modelFileName);
    return { model: this.encodeWith(meta, initializers), ...(data ? { data } : {}) };
  }

  private encodeWith(meta: ModelMeta, initializers: OnnxProto.ITensorProto[]): Uint8Array {
    return onnx.ModelProto.encode({
      irVersion: meta.irVersion,
      producerName: 'netc',
      producerVersion: meta.producerVersion,
      opsetImport: [{ domain: '', version: meta.opset }],
      graph: {
        name: meta.graphName,
        node: this.nodes,
        initializer: initializers,
        input: this.inputs,
        output: this.outputs,
      },
    }).finish();
  }
}
