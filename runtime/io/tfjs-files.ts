/**
 * Saving and loading `tf.LayersModel`s in the TensorFlow.js layers format (`model.json` + one
 * weight shard, `weights.<hash>.bin`, published so that no crash leaves a mismatched pair: see
 * io/tfjs-publish.ts) on the local file system, without tfjs-node. The files are readable by
 * `tf.loadLayersModel` (through `fileLoadHandler`) and by tfjs-node's `file://` handler.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { publishTfjsFolder } from '../../io/tfjs-publish.js';
import { TfjsFilesError } from '../../io/weights-errors.js';
import {
  MODEL_JSON,
  readManifestWeights,
  readModelJson,
  WEIGHTS_BIN,
} from '../../io/tfjs-weights.js';

export { MODEL_JSON, WEIGHTS_BIN };

export { TfjsFilesError };

/** All weight data as one ArrayBuffer (tfjs may hand over one buffer or a list of shards). */
function joinWeightData(weightData: tf.io.WeightData | undefined): ArrayBuffer {
  return tf.io.CompositeArrayBuffer.join(weightData ?? []);
}

/** The `model.json` contents (what tfjs-core's unexported `getModelJSONForModelArtifacts` builds). */
function modelJsonFor(
  artifacts: tf.io.ModelArtifacts,
  manifest: tf.io.WeightsManifestConfig,
): tf.io.ModelJSON {
  const optional = {
    trainingConfig: artifacts.trainingConfig,
    signature: artifacts.signature,
    userDefinedMetadata: artifacts.userDefinedMetadata,
    modelInitializer: artifacts.modelInitializer,
    initializerSignature: artifacts.initializerSignature,
  };
  return {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: manifest,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value != null)),
  };
}

async function saveArtifacts(
  dir: string,
  artifacts: tf.io.ModelArtifacts,
): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new TfjsFilesError('binary (GraphDef) model topologies are not supported');
  }
  const specs = artifacts.weightSpecs ?? [];
  // The manifest's paths are filled in by publishTfjsFolder (the shard's name is its hash).
  const modelJson = modelJsonFor(artifacts, [{ paths: [], weights: specs }]);
  const bytes = new Uint8Array(joinWeightData(artifacts.weightData));
  await publishTfjsFolder(dir, modelJson as unknown as Record<string, unknown>, specs, bytes);
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/**
 * Reads `dir/model.json` and its weight files as netc's own reader does (io/tfjs-weights.ts:
 * regular files inside the folder, size limits, a manifest checked entry by entry).
 */
async function loadArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const { json, manifest, bytes } = await readModelJson(dir);
  if (json.modelTopology == null) {
    throw new TfjsFilesError(`${join(dir, MODEL_JSON)} has no modelTopology`);
  }
  const data = await readManifestWeights(dir, manifest, bytes);
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const specs = manifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  return tf.io.getModelArtifactsForJSON(json as unknown as tf.io.ModelJSON, () =>
    Promise.resolve([specs, buffer as ArrayBuffer]),
  );
}

/** An IOHandler that saves to `dir/model.json` + `dir/weights.<hash>.bin` (use with `model.save`). */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return { save: (artifacts) => saveArtifacts(dir, artifacts) };
}

/** An IOHandler that loads `dir/model.json` and its weight files (use with `tf.loadLayersModel`). */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return { load: () => loadArtifacts(dir) };
}

/** Saves `model` (topology and weights) into `dir`. */
export async function saveLayersModel(
  model: tf.LayersModel,
  dir: string,
): Promise<tf.io.SaveResult> {
  return model.save(fileSaveHandler(dir));
}

/** Loads a layers model saved into `dir`. */
export async function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(dir));
}
