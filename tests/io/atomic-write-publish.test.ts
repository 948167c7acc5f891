/**
 * Publishing a tfjs folder (io/tfjs-publish.ts through `writeTfjsFolder`): at every point a
 * crash could stop the save (before each rename and each removal, recorded through the
 * io/write-fs.ts seam) the folder on disk reads back as exactly the old weights or exactly the
 * new ones, never a new manifest beside old weights or the reverse; a failed step leaves the old
 * pair; stale shards (of the old manifest, of an earlier crash, `weights.bin` of earlier
 * versions) are removed, other files kept.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshot, type Snapshot } from './folder-snapshot.js';
import { initialWeights } from '../../compiler/initial-weights.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import { OutputFileError } from '../../io/atomic-write.js';
import { readTfjsFolder, tfjsWeightNames, writeTfjsFolder } from '../../io/tfjs-weights.js';
import { nodeWriteFs, withWriteFs } from '../../io/write-fs.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { useTempDirs } from './helpers.js';
import { expectedShardName, shardOf } from './tfjs-shards.js';

const tempDir = useTempDirs();

const graph = graphOfText(`model p(x: [3]) {
  return y: x |> dense(4, name: "d") |> dense(2, name: "e")
}`);
const OLD = initialWeights(graph, 1);
const NEW = initialWeights(graph, 2);

/** Which weights the folder of a snapshot holds: 'old', 'new', or why it is neither. */
async function whichWeights(files: Snapshot, at: string): Promise<string> {
  const dir = await tempDir();
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
  let w: GraphWeights;
  try {
    w = await readTfjsFolder(dir, graph);
  } catch (e) {
    return `unreadable ${at}: ${(e as Error).message}`;
  }
  const same = (a: GraphWeights) =>
    [...a].every(([k, v]) => [...w.get(k)!.data].every((x, i) => x === v.data[i]));
  return same(OLD) ? 'old' : same(NEW) ? 'new' : `mixed ${at}`;
}

/** Saves NEW over the folder, recording it before every rename and removal and at the end. */
async function saveRecording(dir: string): Promise<{ steps: string[]; states: Snapshot[] }> {
  const steps: string[] = [];
  const states: Snapshot[] = [];
  await withWriteFs(
    {
      renameSync: (from, to) => {
        steps.push(`rename -> ${to.slice(dir.length + 1)}`);
        states.push(snapshot(dir));
        nodeWriteFs.renameSync(from, to);
      },
      unlinkSync: (path) => {
        steps.push(`remove ${path.slice(dir.length + 1)}`);
        states.push(snapshot(dir));
        nodeWriteFs.unlinkSync(path);
      },
    },
    () => writeTfjsFolder(dir, graph, NEW),
  );
  steps.push('end');
  states.push(snapshot(dir));
  return { steps, states };
}

describe('writeTfjsFolder publishes crash-safely', () => {
  it('a crash at any step leaves the old pair or the new pair (no mismatched manifest)', async () => {
    const dir = await tempDir();
    await writeTfjsFolder(dir, graph, OLD);
    const oldShard = shardOf(dir).name;
    const { steps, states } = await saveRecording(dir);
    const newShard = shardOf(dir).name;
    expect(newShard).not.toBe(oldShard);
    // Shard first, then the manifest, then the old shard removed.
    expect(steps).toEqual([
      `rename -> ${newShard}`,
      'rename -> model.json',
      `remove ${oldShard}`,
      'end',
    ]);
    const held = await Promise.all(states.map((s, i) => whichWeights(s, steps[i])));
    expect(held).toEqual(['old', 'old', 'new', 'new']);
    expect(readdirSync(dir).sort()).toEqual(['model.json', newShard]);
  });

  it('a folder of an earlier version (weights.bin) and a crash leftover: both removed, other files kept', async () => {
    const dir = await tempDir();
    // The layout earlier versions wrote: model.json naming weights.bin.
    const names = [...tfjsWeightNames(graph).values()];
    const entries = [...OLD.values()].map((w, i) => ({
      name: names[i],
      shape: w.shape,
      dtype: 'float32',
    }));
    const bytes = new Uint8Array(
      new Float32Array([...OLD.values()].flatMap((w) => [...w.data])).buffer,
    );
    writeFileSync(join(dir, 'weights.bin'), bytes);
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({
        format: 'layers-model',
        weightsManifest: [{ paths: ['weights.bin'], weights: entries }],
      }),
    );
    expect(await whichWeights(snapshot(dir), 'legacy')).toBe('old');
    // A shard left by a save that crashed before its manifest, and files netc does not own.
    writeFileSync(join(dir, 'weights.0123456789abcdef.bin'), 'orphan');
    writeFileSync(join(dir, 'group1-shard1of1.bin'), 'another tool');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const { steps, states } = await saveRecording(dir);
    const held = await Promise.all(states.map((s, i) => whichWeights(s, steps[i])));
    expect(held.slice(0, 2)).toEqual(['old', 'old']);
    expect(held.slice(2).every((h) => h === 'new')).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(
      ['group1-shard1of1.bin', 'model.json', 'notes.txt', shardOf(dir).name].sort(),
    );
    expect(shardOf(dir).name).toBe(expectedShardName(shardOf(dir).bytes));
  });

  it('the manifest rename fails: an error, and the folder still holds the old pair', async () => {
    const dir = await tempDir();
    await writeTfjsFolder(dir, graph, OLD);
    const failing = (from: string, to: string) => {
      if (to.endsWith('model.json')) throw Object.assign(new Error('EIO'), { code: 'EIO' });
      nodeWriteFs.renameSync(from, to);
    };
    const error = await withWriteFs({ renameSync: failing }, () =>
      writeTfjsFolder(dir, graph, NEW),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(OutputFileError);
    expect((error as Error).message).toBe(
      `cannot write ${join(dir, 'model.json')}: input/output error`,
    );
    expect(await whichWeights(snapshot(dir), 'after')).toBe('old');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // The next save succeeds and removes the unused shard of the failed one.
    await writeTfjsFolder(dir, graph, NEW);
    expect(readdirSync(dir).sort()).toEqual(['model.json', shardOf(dir).name]);
  });

  it('the same weights again: the shard keeps its name and stays', async () => {
    const dir = await tempDir();
    await writeTfjsFolder(dir, graph, OLD);
    const first = shardOf(dir).name;
    await writeTfjsFolder(dir, graph, OLD);
    expect(readdirSync(dir).sort()).toEqual(['model.json', first]);
  });

  it('a file where the folder should be: refused, the file untouched', async () => {
    const dir = await tempDir();
    const file = join(dir, 'w');
    writeFileSync(file, 'x');
    await expect(writeTfjsFolder(file, graph, OLD)).rejects.toThrow(
      `cannot write ${file}: it is a file, not a folder`,
    );
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});
