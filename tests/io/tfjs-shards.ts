/**
 * The shard naming rule of tfjs folders netc writes, computed independently of io/: the
 * shard is `weights.` + the first 16 hex digits of the SHA-256 of its bytes + `.bin`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The name a shard holding `bytes` must have. */
export function expectedShardName(bytes: Uint8Array): string {
  return `weights.${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.bin`;
}

/** The one shard `dir/model.json` names, checked to be named by its content. */
export function shardOf(dir: string): { name: string; bytes: Buffer<ArrayBuffer> } {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    weightsManifest: { paths: string[] }[];
  };
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  if (paths.length !== 1) throw new Error(`expected one shard, the manifest names ${paths}`);
  const bytes = readFileSync(join(dir, paths[0])) as Buffer<ArrayBuffer>;
  if (paths[0] !== expectedShardName(bytes))
    throw new Error(`shard ${paths[0]} is not named by its content (${expectedShardName(bytes)})`);
  return { name: paths[0], bytes };
}
