import type { Shape } from '../ir/shape.js';
import type { WeightArray } from '../ir/weights.js';
import type { Attrs } from './op.js';

/**
 * How the axes of an ONNX tensor relate to netc's (batch first, channels last: NHWC / NWC):
 * `channels_last` is netc's own order; `channels_first` moves the last (channel) axis right after
 * the batch (NCHW / NCW), as ONNX's Conv and pooling ops want. Tensors with at most one non-batch
 * axis are the same in both; their layout is always reported as `channels_last`.
 */
export type OnnxLayout = 'channels_last' | 'channels_first';

/** An ONNX tensor holding a node's value, by name, and the layout its axes are in. */
export interface OnnxValue {
  readonly name: string;
  readonly layout: OnnxLayout;
}

/**
 * An ONNX node attribute. Numbers and number lists are INT / INTS (ONNX needs the type): float
 * attributes are written `{ float: 0.5 }`, `{ floats: [...] }`, string lists `{ strings: [...] }`.
 */
export type OnnxAttr =
  | number
  | string
  | readonly number[]
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly strings: readonly string[] };

/**
 * What an ONNX lowering gets. Types only: compiler/ never loads protobufjs; the exporter
 * (codegen/onnx) implements it. Every name it hands out is unique in the model.
 */
export interface OnnxContext<A = Attrs> {
  /** The IR node's hierarchical name: the name of its main ONNX node and tensor. */
  readonly name: string;
  readonly attrs: A;
  /** netc shapes (no batch) of the inputs and of the output. */
  readonly inputs: readonly Shape[];
  readonly output: Shape;
  /** The ONNX opset the model imports (17 or later). */
  readonly opset: number;
  /** Input `i` as it is, in whatever layout its producer left it. */
  input(i: number): OnnxValue;
  /** Input `i` in `layout`; a Transpose is added (once per tensor and layout) when needed. */
  inputAs(i: number, layout: OnnxLayout): string;
  /** The model input this node stands for (the `input` op). */
  graphInput(): OnnxValue;
  /**
   * Adds a node and returns its (one) output tensor's name. Without `suffix` it is named after
   * the IR node; with one, `<node name>/<suffix>`.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attrs?: Readonly<Record<string, OnnxAttr>>,
    suffix?: string,
  ): string;
  /**
   * Adds a node with several outputs (an LSTM's `Y`, `Y_h`, `Y_c`), named
   * `<node name>/<suffix>` each; returns their names. An empty name is an omitted input.
   */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, OnnxAttr>>,
    suffixes: readonly string[],
  ): string[];
  /** This node's weight in the Keras layout of the op's `weights()` (`kernel`, `bias`, ...). */
  weight(name: string): WeightArray;
  /** A float32 constant (initializer) named `<node name>/<suffix>`; `shape: []` for a scalar. */
  constant(suffix: string, value: WeightArray): string;
  /** A 1-D int64 constant (pads, shapes, axes, repeats) named `<node name>/<suffix>`. */
  int64s(suffix: string, values: readonly number[]): string;
}

/** Adds the ONNX nodes of one IR node; returns the tensor holding its value. */
export type OnnxLowering = (ctx: OnnxContext) => OnnxValue;
