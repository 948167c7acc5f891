import type { Dim } from '../../compiler/ir/shape.js';
import type { WeightArray } from '../../compiler/ir/weights.js';
import { onnx, type OnnxProto } from './proto.js';

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The bytes of a float32 array, little-endian as ONNX's raw_data wants them: a view of the
 * array itself on little-endian machines (the encoder copies it).
 */
function floatBytes(data: Float32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** A float32 initializer. */
export function floatTensor(name: string, w: WeightArray): OnnxProto.ITensorProto {
  return {
    name,
    dataType: onnx.TensorProto.DataType.FLOAT,
    dims: [...w.shape],
    rawData: floatBytes(w.data),
  };
}

/** A 1-D int64 initializer. */
export function int64Tensor(name: string, values: readonly number[]): OnnxProto.ITensorProto {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dataType: onnx.TensorProto.DataType.INT64, dims: [values.length], rawData: out };
}

/**
 * A float32 graph input or output: the batch (a symbolic dim named `batch`), then netc's dims:
 * known sizes, symbolic names (`T`) as dim_param, unknown ones left empty.
 */
export function valueInfo(
  name: string,
  batch: string,
  shape: readonly Dim[],
): OnnxProto.IValueInfoProto {
  const dim = (d: Dim): OnnxProto.TensorShapeProto.IDimension =>
    typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {};
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: batch }, ...shape.map(dim)] },
      },
    },
  };
}
