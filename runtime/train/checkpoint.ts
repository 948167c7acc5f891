/**
 * Training checkpoints: after every epoch one file, `DIR/checkpoint.safetensors`, replaced
 * atomically (io/atomic-write.ts), so a crash leaves the previous checkpoint or the new one,
 * never a mix. It holds, as float32 tensors, the model's weights (`model/<IR weight name>`),
 * the optimizer's state in `optimizer.getWeights()` order (`optimizer/<i>`: the step count,
 * then its moments), optionally the best weights so far (`best/<name>`, for early stopping);
 * and in the safetensors metadata the epochs done, the history, the fingerprints of the model
 * and of the training options, free-form state (early stopping's counters) and a SHA-256 of
 * every tensor's bytes, so a damaged file is refused rather than resumed from.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights, WeightArray } from '../../compiler/ir/weights.js';
import { expectedWeights } from '../../compiler/weights-check.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  SafetensorsError,
  type NamedTensor,
} from '../../io/safetensors.js';
import { fillModel, readGraphWeights } from '../graph-weights.js';

/** The checkpoint's file in its folder. */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';
const FORMAT = 'netc-checkpoint-1';

/** One epoch's figures (loss, metrics, val_*, lr...); NaN survives the round trip. */
export type EpochRecord = Readonly<Record<string, number>>;

/** JSON that the checkpoint carries for its users (early stopping's state...). */
export type CheckpointExtra = Readonly<Record<string, unknown>>;

/** What `saveCheckpoint` writes besides the tensors. */
export interface CheckpointState {
  /** Epochs done: training resumes at this (0-based) epoch. */
  readonly epoch: number;
  readonly history: readonly EpochRecord[];
  /** The options that must match to resume (optimizer, loss, batch size...). */
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly extra?: CheckpointExtra;
}

/** A checkpoint read back. */
export interface Checkpoint extends CheckpointState {
  readonly path: string;
  readonly weights: GraphWeights;
  readonly optimizer: readonly { name: string; shape: number[]; data: Float32Array }[];
  readonly best?: GraphWeights;
}

/**
 * A checkpoint that cannot be used: `unreadable` (missing, damaged, not a checkpoint) or
 * `mismatch` (another model, other training options).
 */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(
    message: string,
    readonly kind: 'unreadable' | 'mismatch',
  ) {
    super(message);
  }
}

/** The model's identity: its name and every weight's name and shape, in graph order. */
export function modelFingerprint(graph: Graph): string {
  const weights = expectedWeights(graph).map(({ key, spec }) => `${key}:${spec.shape.join('x')}`);
  return createHash('sha256')
    .update(JSON.stringify([graph.name, weights]))
    .digest('hex')
    .slice(0, 16);
}

function digest(tensors: readonly NamedTensor[]): string {
  const h = createHash('sha256');
  for (const t of tensors) {
    h.update(`${t.name}:${t.shape.join('x')};`);
    h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return h.digest('hex');
}

/** NaN and infinities as strings (JSON has none). */
const encodeNumber = (_k: string, v: unknown): unknown =>
  typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
const decodeHistory = (rows: unknown): EpochRecord[] => {
  if (!Array.isArray(rows)) throw new Error('history is not a list');
  return rows.map((row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])),
  );
};

const named = (prefix: string, weights: GraphWeights): NamedTensor[] =>
  [...weights].map(([key, w]) => ({ name: `${prefix}/${key}`, shape: [...w.shape], data: w.data }));

/**
 * Writes the checkpoint of `model` (built by `buildModel(graph)`) and `optimizer` after
 * `state.epoch` epochs into `dir` (created if needed), replacing the previous one atomically.
 */
export async function saveCheckpoint(
  dir: string,
  graph: Graph,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: CheckpointState,
  best?: GraphWeights,
): Promise<string> {
  const tensors = named('model', readGraphWeights(model, graph));
  const optimizerWeights = await optimizer.getWeights();
  const optimizerNames: string[] = [];
  for (const [i, { name, tensor }] of optimizerWeights.entries()) {
    optimizerNames.push(name);
    const data = Float32Array.from(await tensor.data());
    tensors.push({ name: `optimizer/${i}`, shape: [...tensor.shape], data });
  }
  // getWeights returns a fresh step-count scalar each time (the moments are the live variables).
  optimizerWeights[0]?.tensor.dispose();
  if (best) tensors.push(...named('best', best));
  const metadata: Record<string, string> = {
    format: FORMAT,
    model: graph.name,
    model_fingerprint: modelFingerprint(graph),
    epoch: String(state.epoch),
    history: JSON.stringify(state.history, encodeNumber),
    options: JSON.stringify(state.options),
    optimizer_names: JSON.stringify(optimizerNames),
    extra: JSON.stringify(state.extra ?? {}, encodeNumber),
    sha256: digest(tensors),
  };
  await mkdir(dir, { recursive: true });
  const path = join(dir, CHECKPOINT_FILE);
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
  return path;
}

function differences(
  saved: Readonly<Record<string, unknown>>,
  now: Readonly<Record<string, unknown>>,
): string[] {
  const keys = [...new Set([...Object.keys(saved), ...Object.keys(now)])];
  return keys
    .filter((k) => saved[k] !== now[k])
    .map((k) => `${k} ${String(saved[k] ?? '(none)')} then, ${String(now[k] ?? '(none)')} now`);
}

/**
 * Reads the checkpoint in `dir` and checks it belongs to `graph` and was written under the same
 * `options` (else a `CheckpointError` saying what differs).
 */
export async function readCheckpoint(
  dir: string,
  graph: Graph,
  options: CheckpointState['options'],
): Promise<Checkpoint> {
  const path = join(dir, CHECKPOINT_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `no ${CHECKPOINT_FILE} there` : String((e as Error).message);
    throw new CheckpointError(`cannot resume from ${dir}: ${why}`, 'unreadable');
  }
  const bad = (why: string) =>
    new CheckpointError(`${path} is not a usable checkpoint: ${why}`, 'unreadable');
  let contents;
  try {
    contents = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw bad(e.message);
    throw e;
  }
  const { tensors, metadata } = contents;
  if (metadata.format !== FORMAT) throw bad('no netc checkpoint metadata (a weights file?)');
  const list = [...tensors].map(([name, t]) => ({ name, ...t }));
  if (digest(list) !== metadata.sha256)
    throw bad('its checksum does not match (the file is damaged)');
  if (metadata.model_fingerprint !== modelFingerprint(graph)) {
    const which =
      metadata.model === graph.name ? 'another version of' : `model '${metadata.model}', not`;
    throw new CheckpointError(
      `${path} is a checkpoint of ${which} '${graph.name}' (its weights differ in name or shape)`,
      'mismatch',
    );
  }
  let state: {
    epoch: number;
    history: EpochRecord[];
    options: Record<string, string | number | boolean>;
    names: string[];
    extra: CheckpointExtra;
  };
  try {
    state = {
      epoch: Number(metadata.epoch),
      history: decodeHistory(JSON.parse(metadata.history)),
      options: JSON.parse(metadata.options) as Record<string, string | number | boolean>,
      names: JSON.parse(metadata.optimizer_names) as string[],
      extra: JSON.parse(metadata.extra) as CheckpointExtra,
    };
  } catch (e) {
    throw bad(`its metadata does not parse: ${(e as Error).message}`);
  }
  if (!Number.isInteger(state.epoch) || state.epoch < 1) throw bad(`epoch '${metadata.epoch}'`);
  const diff = differences(state.options, options);
  if (diff.length > 0) {
    throw new CheckpointError(
      `${path} was written with other training options: ${diff.join('; ')}`,
      'mismatch',
    );
  }
  const part = (prefix: string) => {
    const out = new Map<string, WeightArray>();
    for (const t of list)
      if (t.name.startsWith(`${prefix}/`)) out.set(t.name.slice(prefix.length + 1), t);
    return out;
  };
  const optimizer = state.names.map((name, i) => {
    const t = tensors.get(`optimizer/${i}`);
    if (!t) throw bad(`optimizer state ${i} is missing`);
    return { name, shape: t.shape, data: t.data };
  });
  const best = part('best');
  return {
    path,
    epoch: state.epoch,
    history: state.history,
    options: state.options,
    extra: state.extra,
    weights: part('model'),
    optimizer,
    ...(best.size > 0 ? { best } : {}),
  };
}

/** Puts the checkpoint's weights into `model` and its state into a fresh `optimizer`. */
export async function restoreCheckpoint(
  checkpoint: Checkpoint,
  graph: Graph,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
): Promise<void> {
  fillModel(model, graph, checkpoint.weights);
  const state = checkpoint.optimizer.map(({ name, shape, data }) => ({
    name,
    tensor: tf.tensor(data, shape, 'float32'),
  }));
  try {
    await optimizer.setWeights(state);
  } finally {
    // The optimizer holds variables made from these (sharing their data), not these.
    tf.dispose(state.map((s) => s.tensor));
  }
}
