/**
 * The generated protobufjs classes of onnx.proto. onnx-proto is a CommonJS module whose named
 * export Node's ESM loader cannot see, so it is read from the default export.
 */
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type { onnx as OnnxProto } from 'onnx-proto';
