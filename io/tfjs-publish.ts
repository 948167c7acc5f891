/**
 * Publishing a TensorFlow.js layers folder (`model.json` + one weight shard) so that no crash
 * leaves a manifest beside weights it does not describe. The shard is named by its content,
 * `weights.<16 hex digits of its SHA-256>.bin`, and the steps are:
 *
 * 1. the shard is written (atomically, io/atomic-write.ts) under its new name, beside the old
 *    files, which it never replaces unless it holds the same bytes;
 * 2. `model.json`, naming the new shard, is renamed into place: the one switch from the old
 *    pair to the new one;
 * 3. the shards the folder's old manifest named, and netc shards no manifest names (left by an
 *    earlier crash between 1 and 2), are removed.
 *
 * A crash before 2 leaves the old consistent pair (and perhaps an unused new shard), after it
 * the new pair (perhaps with stale shards). Readers follow the manifest's paths, so folders of
 * earlier versions (`weights.bin`) and of other tools read as before. Two processes saving into
 * one folder at once are not supported (each may remove the other's new shard).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleFiles, writeFileAtomic } from './atomic-write.js';
import { OutputFileError } from './write-errors.js';
import { kindOf, writeReason } from './write-target.js';

/** The manifest file of a tfjs layers folder. */
const MANIFEST = 'model.json';

/** A shard name netc writes: `weights.<16 hex>.bin`. */
export const SHARD_NAME = /^weights\.[0-9a-f]{16}\.bin$/;

/** Shard names removed when a new manifest no longer names them (netc's, and the old fixed name). */
const OWN_SHARD = (name: string): boolean => SHARD_NAME.test(name) || name === 'weights.bin';

/** The name of the shard holding `bytes`: `weights.<first 16 hex digits of SHA-256>.bin`. */
export function shardName(bytes: Uint8Array): string {
  return `weights.${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.bin`;
}

/** The shard paths the folder's current manifest names (none if it is missing or unreadable). */
export function manifestShards(dir: string): string[] {
  try {
    const json = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as {
      weightsManifest?: { paths?: unknown }[];
    };
    return (json.weightsManifest ?? []).flatMap((g) =>
      Array.isArray(g?.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : [],
    );
  } catch {
    return [];
  }
}

/** Creates `dir` (and the folders above it) unless it is a folder already. */
function ensureFolder(dir: string): void {
  let info;
  try {
    info = statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new OutputFileError(dir, writeReason(e, true) ?? String(e), { cause: e });
  }
  if (info && !info.isDirectory()) {
    throw new OutputFileError(
      dir,
      `it is ${kindOf(info)}, not a folder (weights go to a folder, or to a path ending in .safetensors)`,
    );
  }
  if (info) return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputFileError(dir, writeReason(e, true) ?? String(e), { cause: e });
  }
}

/**
 * Writes the folder `dir` (created if needed): `json` with `weightsManifest` naming the shard
 * of `bytes` for `entries`, by the steps of the module comment. Returns the shard's name.
 */
export async function publishTfjsFolder(
  dir: string,
  json: Readonly<Record<string, unknown>>,
  entries: readonly object[],
  bytes: Uint8Array,
): Promise<string> {
  ensureFolder(dir);
  const shard = shardName(bytes);
  const old = manifestShards(dir);
  await writeFileAtomic(join(dir, shard), bytes);
  const manifest = [{ paths: [shard], weights: entries }];
  // In place of any `weightsManifest` of `json` (keeping the order of its keys), else last.
  await writeFileAtomic(
    join(dir, MANIFEST),
    JSON.stringify({ ...json, weightsManifest: manifest }),
  );
  removeStaleShards(dir, shard, old);
  return shard;
}

function removeStaleShards(dir: string, keep: string, old: readonly string[]): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => SHARD_NAME.test(n));
  } catch {
    // An unreadable folder keeps its stale shards; the new pair is in place.
  }
  const stale = new Set([...old.filter(OWN_SHARD), ...names]);
  stale.delete(keep);
  removeStaleFiles(dir, stale);
}
