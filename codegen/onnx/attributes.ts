import type { OnnxAttr } from '../../compiler/ops/onnx.js';
import { onnx, type OnnxProto } from './proto.js';

const { AttributeType } = onnx.AttributeProto;

/** An `OnnxAttr` as an AttributeProto: numbers are INT(S) unless written `{ float }` / `{ floats }`. */
export function attribute(name: string, value: OnnxAttr): OnnxProto.IAttributeProto {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (typeof value === 'string') {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (isIntList(value)) {
    if (!value.every(Number.isInteger))
      throw new Error(`attribute ${name}: [${value.join(', ')}] are not integers`);
    return { name, type: AttributeType.INTS, ints: [...value] };
  }
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('strings' in value) {
    const strings = value.strings.map((s) => new TextEncoder().encode(s));
    return { name, type: AttributeType.STRINGS, strings };
  }
  return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
}

function isIntList(v: OnnxAttr): v is readonly number[] {
  return Array.isArray(v);
}
