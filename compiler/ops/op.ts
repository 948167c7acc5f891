import type { Shape } from '../ir/shape.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { ParamType } from './param-types.js';
import type * as Tfjs from '@tensorflow/tfjs';
import type { OnnxLowering } from './onnx.js';

import type { AttrValue, Attrs } from '../ir/attrs.js';

export type { AttrValue, Attrs } from '../ir/attrs.js';

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** Absent: the argument is required. */
  readonly default?: AttrValue;
  readonly doc: string;
}

/**
 * How a weight starts, as Keras initialises it by default: `glorot_uniform` draws from
 * U(-l, l) with l = sqrt(6 / (fan_in + fan_out)), the fans computed from the shape as Keras
 * does (receptive field times the last two axes); `uniform` from U(-limit, limit); `constant`
 * fills one value.
 */
export type WeightInit =
  | { readonly kind: 'glorot_uniform' }
  | { readonly kind: 'uniform'; readonly limit: number }
  | { readonly kind: 'constant'; readonly value: number };

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
  /** Multiply-accumulates for batch 1; null when a needed dimension is unknown. */
  macs(inputs: readonly Shape[], attrs: Attrs, output: Shape): number | null;
  /** Non-fatal remarks (e.g. odd length under stride-2 `same`). */
  warnings?(inputs: readonly Shape[], attrs: Attrs): string[];
  /** How the TensorFlow.js runtime (runtime/) builds this op: one layer per node. */
  readonly tfjs?: TfjsLowering;
  /**
   * How the ONNX exporter (codegen/onnx) writes this op: the nodes, constants and layout of its
   * value (see `OnnxContext`). Absent: models using the op cannot be exported to ONNX.
   */
  readonly onnx?: OnnxLowering;
}

/**
 * What a TensorFlow.js lowering gets. Types only: compiler/ never loads TensorFlow.js; the runtime
 * passes the module in `tf`.
 */
export interface TfjsContext {
  readonly tf: typeof Tfjs;
  /** The layer name, already valid and unique for tfjs. */
  readonly name: string;
  readonly attrs: Attrs;
  readonly inputs: readonly Shape[];
  readonly output: Shape;
  /** The tfjs activation identifier of a netc activation name (`hard_sigmoid` has its own). */
  activation(name: string): TfjsActivation;
  /** One of netc's own layers (runtime/layers), by registered class name and config. */
  custom(className: string, config: Record<string, unknown>): Tfjs.layers.Layer;
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
  | 'embedding';

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

export function defineOp(def: OpDef): OpDef {
  return def;
}
