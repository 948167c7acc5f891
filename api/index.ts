/** The package entry (`import { loadModel } from 'netc'`): the runtime, weight files, engines. */
export { buildModel, type BuildOptions } from '../runtime/build-model.js';
export { layerNames, sanitizeName } from '../compiler/ir/layer-names.js';
export { buildOptimizedModel, type OptimizedModel } from '../runtime/optimized-model.js';
export { fillModel, readGraphWeights, writeGraphWeights } from '../runtime/graph-weights.js';
export * from './shared.js';
export { fans, uniformLimit } from '../compiler/initial-weights.js';
export {
  checkWeights,
  compareWeights,
  weightProblems,
  WeightMismatchError,
  type WeightProblem,
} from '../compiler/weights-check.js';
export {
  decodeWeightsSafetensors,
  describeWeights,
  encodeWeightsSafetensors,
  readWeightsFile,
  writeWeightsFile,
  type WeightSource,
  type WriteWeightsOptions,
} from '../io/weights-file.js';
export { readTfjsFolder, tfjsWeightNames, writeTfjsFolder } from '../io/tfjs-weights.js';
export {
  optimizeForInference,
  PASSES,
  type Optimized,
  type OptimizeOptions,
  type PassReport,
} from '../compiler/passes/index.js';
export {
  initBackend,
  readyBackend,
  wasmDir,
  type BackendName,
  type BackendOptions,
  type BackendStatus,
} from '../runtime/backend.js';
export { customLayer, groupedConv2d } from '../runtime/layers/index.js';

export { loadModel, NetcCompileError, type LoadOptions } from '../runtime/load-model.js';
export { inferShapes, concreteInputShapes, InferShapesError } from '../runtime/shapes.js';
export {
  checkInputs,
  inputProblems,
  InputCheckError,
  type InputArray,
} from '../runtime/check-inputs.js';
export {
  loadWeights,
  saveWeights,
  weightsFormat,
  WeightsFileError,
  type WeightsFormat,
} from '../runtime/weights-files.js';
export { exportSafetensors, importSafetensors } from '../runtime/io/safetensors-model.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  writeSafetensors,
  SafetensorsError,
  type SafetensorsContents,
} from '../io/safetensors.js';
export {
  fileLoadHandler,
  fileSaveHandler,
  loadLayersModelFromDir,
  saveLayersModel,
  TfjsFilesError,
} from '../runtime/io/tfjs-files.js';
export { encodeNpy, parseNpy, readNpy, writeNpy, NpyError, type NpyArray } from '../io/npy.js';
export {
  createOnnxRuntimeModel,
  type EngineTensor,
  type OnnxRuntimeModel,
  type OnnxRuntimeOptions,
} from '../engines/onnxruntime.js';
export {
  OnnxRuntimeUnavailableError,
  setOnnxRuntimeLoader,
  type OnnxRuntimeLoader,
} from '../engines/onnxruntime-loader.js';
export * from '../runtime/train/index.js';
