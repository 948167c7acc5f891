import { basename, dirname, join } from 'node:path';

export {
  DEFAULT_OPSET,
  OPSET_RANGE,
  exportOnnx,
  exportOnnxModel,
  OnnxExportError,
  unsupportedMessage,
  unsupportedOnnxNodes,
  type OnnxExportOptions,
  type OnnxModelExportOptions,
  type OnnxModelFiles,
} from './export.js';
export {
  EXTERNAL_ALIGN,
  EXTERNAL_MIN_TENSOR_BYTES,
  MAX_INLINE_MODEL_BYTES,
  type ExternalData,
  type ExternalDataMode,
} from './external-data-plan.js';
export { weightProblems } from '../../compiler/weights-check.js';

/**
 * Where the ONNX model of `model` goes by default: next to the source, `x.net` -> `x.onnx`, or
 * `x.<model>.onnx` when the file defines several models (as `netc compile` names its modules).
 */
export function defaultOnnxPath(sourcePath: string, model: string, modelsInFile: number): string {
  const stem = basename(sourcePath).replace(/\.net$/, '');
  return join(dirname(sourcePath), modelsInFile > 1 ? `${stem}.${model}.onnx` : `${stem}.onnx`);
}
