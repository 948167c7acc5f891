/**
 * ONNX external data: the weights of a model too large for one protobuf message (a message
 * holds at most 2^31 - 1 bytes, and ONNX Runtime and the onnx package refuse larger models) go
 * to a data file beside the `.onnx`, by ONNX's convention: such an initializer has
 * `data_location = EXTERNAL` and `external_data` entries `location` (the data file's name,
 * relative to the model's folder), `offset` and `length` (in bytes), and no `raw_data`.
 *
 * The rule (`planExternalData`): with mode `auto`, the weights go out when an upper bound of the
 * model's encoded size exceeds `MAX_INLINE_MODEL_BYTES` (2,000,000,000 bytes: 147 MB below the
 * limit); with `always`, whatever the size. Only tensors of at least
 * `EXTERNAL_MIN_TENSOR_BYTES` go out (the onnx package's default threshold, 1024 bytes: shape
 * constants stay inline), each at an offset aligned to `EXTERNAL_ALIGN` (4096 bytes, a page, as
 * the onnx package aligns large tensors), the gaps zero. The data file is named by its content:
 * `dataFileName(model, hash)` = `<model file name>.<16 hex digits of its SHA-256>.data`.
 */
/** Models whose encoded size may exceed this many bytes put their weights in a data file. */
export const MAX_INLINE_MODEL_BYTES = 2_000_000_000;
/** Smaller initializers stay in the model. */
export const EXTERNAL_MIN_TENSOR_BYTES = 1024;
/** Each external tensor starts at a multiple of this offset in the data file. */
export const EXTERNAL_ALIGN = 4096;
/**
 * What a tensor's `raw_data` field adds to the encoding at most besides its bytes: the field's
 * tag and length, and the growth of the enclosing TensorProto's and GraphProto's length varints.
 */
const FIELD_OVERHEAD = 16;

/** `auto`: external data only when the model would be too large; `always`; `never`. */
export type ExternalDataMode = 'auto' | 'always' | 'never';

/** Where each tensor goes: its byte offset in the data file, or undefined (stays inline). */
export interface ExternalDataPlan {
  readonly offsets: readonly (number | undefined)[];
  /** The data file's length in bytes (0: no data file). */
  readonly length: number;
}

/** An upper bound of a model's encoded size: `restBytes` (the model without its raw data) plus each tensor. */
export function modelSizeBound(restBytes: number, tensorBytes: readonly number[]): number {
  return tensorBytes.reduce((sum, n) => sum + n + FIELD_OVERHEAD, restBytes);
}

/**
 * Which tensors (by their raw data sizes) go to the data file and where; `restBytes`: the
 * encoded size of the model without raw data. Allocates nothing.
 */
export function planExternalData(
  mode: ExternalDataMode,
  restBytes: number,
  tensorBytes: readonly number[],
): ExternalDataPlan {
  const external =
    mode === 'always' ||
    (mode === 'auto' && modelSizeBound(restBytes, tensorBytes) > MAX_INLINE_MODEL_BYTES);
  if (!external) return { offsets: tensorBytes.map(() => undefined), length: 0 };
  let end = 0;
  const offsets = tensorBytes.map((n) => {
    if (n < EXTERNAL_MIN_TENSOR_BYTES) return undefined;
    const at = Math.ceil(end / EXTERNAL_ALIGN) * EXTERNAL_ALIGN;
    end = at + n;
    return at;
  });
  return { offsets, length: end };
}

/** The name of a model's data file: `m.onnx` -> `m.onnx.<16 hex>.data`. */
export function dataFileName(modelFileName: string, hash: string): string {
  return `${modelFileName}.${hash}.data`;
}

/** A model's data file: its name (relative to the model's folder) and bytes, in chunks. */
export interface ExternalData {
  readonly name: string;
  readonly chunks: readonly Uint8Array[];
  readonly length: number;
}
