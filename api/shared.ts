/**
 * What both entries export (`netc` and `netc/compiler`): the weight types, seeded initial
 * weights and the ONNX export. Neither loads TensorFlow.js.
 */
export type { GraphWeights, WeightArray } from '../compiler/ir/weights.js';
export { initialWeights } from '../compiler/initial-weights.js';
export {
  exportOnnx,
  OnnxExportError,
  unsupportedOnnxNodes,
  type OnnxExportOptions,
} from '../codegen/onnx/index.js';
