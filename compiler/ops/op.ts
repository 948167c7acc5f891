import type { Shape } from '../ir/shape.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { ParamType } from './param-types.js';
import type * as Tfjs from '@tensorflow/tfjs';
import type { OnnxContext, OnnxLowering, OnnxValue } from './onnx.js';
import type { CustomLayerConfigs, CustomLayerName } from './custom-layers.js';

import type { AttrValue, Attrs } from '../ir/attrs.js';

export type { AttrValue, Attrs } from '../ir/attrs.js';

/** One argument of an op: its name, its type (whose conversion gives the attribute's value type `T`). */
export interface ParamSpec<N extends string = string, T extends AttrValue = AttrValue> {
  readonly name: N;
  readonly type: ParamType<T>;
  /** Absent: the argument is required. */
  readonly default?: AttrValue;
  readonly doc: string;
  /** Said after a wrong-type error for this argument: the op or form that takes such a value. */
  readonly typeHint?: string;
}

/**
 * The attributes of an op with parameters `P`, typed from its specs: `{ filters: number;
 * padding: 'same' | 'valid' | number[][]; ... }`. Reading a name that is not a parameter is a
 * compile error.
 */
export type AttrsOf<P extends readonly ParamSpec[]> = {
  readonly [S in P[number] as S['name']]: S['type'] extends ParamType<infer T> ? T : never;
};

/**
 * Which weight of a linear producer (conv, dense: `y = x * kernel + bias`, then the fused
 * `activation`) indexes its output channels, so that a per-channel factor after it (batch norm,
 * scale) can be folded into its kernel and bias. The output channel of a kernel element is the
 * row-major flattening of its axes `outputAxis .. outputAxis + outputSpan - 1` (negative axes count
 * from the end): `[kh, kw, in, filters]` has it on -1, a transposed conv's `[kh, kw, filters, in]`
 * on -2, a depthwise `[kh, kw, in, multiplier]` on -2 with span 2 (channel `i * multiplier + m`).
 */
export interface LinearSpec {
  readonly kernel: string;
  readonly outputAxis: number;
  /** How many axes from `outputAxis` the output channel spans; default 1. */
  readonly outputSpan?: number;
}

/**
 * How a weight starts, as Keras initialises it by default: `glorot_uniform` draws from
 * U(-l, l) with l = sqrt(6 / (fan_in + fan_out)), the fans computed from the shape as Keras
 * does (receptive field times the last two axes); `uniform` from U(-limit, limit); `constant`
 * fills one value; `values` gives every element (row-major), e.g. a `normalization` mean;
 * `normal` draws from N(0, stddev) (a learned `weight`).
 */
export type WeightInit =
  | { readonly kind: 'glorot_uniform' }
  | { readonly kind: 'uniform'; readonly limit: number }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'values'; readonly values: readonly number[] }
  | { readonly kind: 'normal'; readonly stddev: number };

export const GLOROT_UNIFORM: WeightInit = { kind: 'glorot_uniform' };
export const ZEROS: WeightInit = { kind: 'constant', value: 0 };
export const ONES: WeightInit = { kind: 'constant', value: 1 };

/** A weight tensor of an op, named as Keras names it (`kernel`, `bias`, `moving_mean`). */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
  readonly init: WeightInit;
}

/** A weight as the docs describe it: `kernel`, `[in, units]`, present `when` a flag is true. */
export interface WeightDoc {
  readonly name: string;
  /** Symbolic shape, e.g. `[in, units]`. */
  readonly shape: string;
  readonly trainable: boolean;
  /** The bool argument that must be true for the weight to exist, e.g. `bias`. */
  readonly when?: string;
}

/** How many tensor inputs an op takes. `max: Infinity` for variadic ops (add, concat). */
export interface InputArity {
  readonly min: number;
  readonly max: number;
}

/**
 * One op kind: everything netc knows about it, in one place. Shape, weight and MAC rules are pure
 * functions of the input shapes and the validated attributes; they throw `OpError` and know
 * nothing about source locations (the lowering adds those).
 */
export interface OpDef {
  readonly name: string;
  readonly category: OpCategory;
  readonly doc: string;
  readonly inputs: InputArity;
  readonly params: readonly ParamSpec[];
  /** The weights `weights()` creates, for the docs; absent for weightless ops. */
  readonly weightDocs?: readonly WeightDoc[];
  shape(inputs: readonly Shape[], attrs: Attrs): Shape;
  /** Weight tensors, in the order the runtime creates them. Empty for weightless ops. */
  weights(inputs: readonly Shape[], attrs: Attrs): WeightSpec[];
  /**
   * Multiply-accumulates for batch 1, exactly (a bigint: large inputs pass 2^53); null when a
   * needed dimension is unknown.
   */
  macs(inputs: readonly Shape[], attrs: Attrs, output: Shape): bigint | null;
  /** Non-fatal remarks (e.g. odd length under stride-2 `same`). */
  warnings?(inputs: readonly Shape[], attrs: Attrs): string[];
  /** How the TensorFlow.js runtime (runtime/) builds this op: one layer per node. */
  readonly tfjs?: TfjsLowering;
  /**
   * How the ONNX exporter (codegen/onnx) writes this op: the nodes, constants and layout of its
   * value (see `OnnxContext`). Absent: models using the op cannot be exported to ONNX.
   */
  readonly onnx?: OnnxLowering;
  /**
   * True when a node of this op, with these attributes, input shapes and output shape, returns
   * its (only) input unchanged at inference whatever the values (padding by 0, a 1x1 pool...);
   * the remove-identities pass asks it. Absent: never an identity.
   */
  isIdentity?(attrs: Attrs, inputs: readonly Shape[], output: Shape): boolean;
  /** Present on linear producers, into which batch norm, scale and activations fold. */
  readonly linear?: LinearSpec;
  /**
   * Arguments of one application rather than of the layer (Keras' call arguments, such as a
   * ReversibleEmbedding's `reverse`): applications of one shared layer (`shares:`) may differ
   * in them. Absent: every argument is the layer's.
   */
  readonly callParams?: readonly string[];
  /**
   * Whether the applications of one shared layer (the owner first, this one last) can be one
   * layer: a message saying why not (E1010 at `shares:`), or undefined.
   */
  checkShared?(applications: readonly LayerApplication[]): string | undefined;
}

/** One application of a layer: its attributes and input shapes. */
export interface LayerApplication {
  readonly attrs: Attrs;
  readonly inputs: readonly Shape[];
}

/**
 * An op as its file defines it: `OpDef` with attributes typed from its `params` (`A`), for the
 * rules and lowerings. `defineOp` erases it to `OpDef` for the registry.
 */
export interface OpSpec<P extends readonly ParamSpec[], A = AttrsOf<P>> {
  readonly name: string;
  readonly category: OpCategory;
  readonly doc: string;
  readonly inputs: InputArity;
  readonly params: P;
  readonly weightDocs?: readonly WeightDoc[];
  shape(inputs: readonly Shape[], attrs: A): Shape;
  weights(inputs: readonly Shape[], attrs: A): WeightSpec[];
  macs(inputs: readonly Shape[], attrs: A, output: Shape): bigint | null;
  warnings?(inputs: readonly Shape[], attrs: A): string[];
  readonly tfjs?: (ctx: TfjsContext<A>) => Tfjs.layers.Layer;
  readonly onnx?: (ctx: OnnxContext<A>) => OnnxValue;
  isIdentity?(attrs: A, inputs: readonly Shape[], output: Shape): boolean;
  readonly linear?: LinearSpec;
  readonly callParams?: readonly P[number]['name'][];
  checkShared?(applications: readonly LayerApplication[]): string | undefined;
}

/**
 * What a TensorFlow.js lowering gets. Types only: compiler/ never loads TensorFlow.js; the runtime
 * passes the module in `tf`.
 */
export interface TfjsContext<A = Attrs> {
  readonly tf: typeof Tfjs;
  /** The layer name, already valid and unique for tfjs. */
  readonly name: string;
  readonly attrs: A;
  readonly inputs: readonly Shape[];
  readonly output: Shape;
  /** The tfjs activation identifier of a netc activation name (`hard_sigmoid` has its own). */
  activation(name: string): TfjsActivation;
  /**
   * One of netc's own layers (runtime/layers), by registered class name and its typed config
   * (`CustomLayerConfigs`): a wrong class name, key or value type does not compile.
   */
  custom<K extends CustomLayerName>(className: K, config: CustomLayerConfigs[K]): Tfjs.layers.Layer;
  /**
   * Every application of the layer when other nodes share it (`shares:`), this node's first;
   * absent when it is applied once. The one layer is applied to each in turn.
   */
  readonly applications?: readonly LayerApplication[];
}

/** A tfjs activation identifier, as layer configs take it. */
export type TfjsActivation = NonNullable<
  NonNullable<Parameters<typeof Tfjs.layers.dense>[0]>['activation']
>;

/** Builds the tfjs layer of one node; the runtime applies it to the node's inputs. */
export type TfjsLowering = (ctx: TfjsContext) => Tfjs.layers.Layer;

export type OpCategory =
  | 'input'
  | 'convolution'
  | 'dense'
  | 'normalization'
  | 'activation'
  | 'regularization'
  | 'pooling'
  | 'padding'
  | 'reshaping'
  | 'merging'
  | 'embedding'
  | 'attention'
  | 'recurrent';

/** A shape or argument rule failed. `param` names the argument to point at, when there is one. */
export class OpError extends Error {
  constructor(
    message: string,
    readonly code: DiagnosticCode = 'E3004',
    readonly param?: string,
    readonly notes: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * Defines an op. `params` is inferred as a tuple of literal names (the `const` parameter), so the
 * rules and lowerings see `attrs.filters: number`, `attrs.padding: 'same' | 'valid' | ...`; the
 * result is the erased `OpDef` the registry holds (the lowering validated the attributes
 * against the same specs, so the erasure is sound).
 */
export function defineOp<const P extends readonly ParamSpec[]>(def: OpSpec<P>): OpDef {
  return def as unknown as OpDef;
}
