/**
 * Real processes interrupted while writing (tests/io/write-child.ts):
 *
 * - SIGINT, SIGTERM or SIGHUP in the middle of a large write: the process removes its
 *   temporary file and exits with 128 + the signal's number; the old file is untouched;
 * - SIGKILL at arbitrary points of repeated tfjs-folder saves: the folder always reads back as
 *   one complete set of weights (the manifest and its shard belong together).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import { initialWeights } from '../../compiler/initial-weights.js';
import { packageRoot } from '../../compiler/package-root.js';
import { Source } from '../../compiler/source.js';
import { readTfjsFolder } from '../../io/tfjs-weights.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const root = packageRoot();
const loader = join(root, 'node_modules/tsx/dist/loader.mjs');
const child = join(root, 'tests/io/write-child.ts');

/** The FOLDER_MODEL of write-child.ts (not imported: that module runs its mode on import). */
const FOLDER_MODEL = `model big(x: [256]) {
  return y: x |> dense(256, name: "a") |> dense(256, name: "b")
}`;

/**
 * Starts the child, waits for `ready` on its stdout (plus `extraLines` more lines), sends
 * `signal`; resolves with its exit code and signal.
 */
function interrupt(
  args: string[],
  ready: string,
  signal: NodeJS.Signals,
  delayMs = 0,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', loader, child, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let sent = false;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && out.includes(ready)) {
        sent = true;
        setTimeout(() => p.kill(signal), delayMs);
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, sig) => resolve({ code, signal: sig, stderr: err }));
  });
}

describe('signals during a write', () => {
  it('SIGINT, SIGTERM or SIGHUP mid-write remove the temporary file and exit 128 + N, the old file intact', async () => {
    const cases = [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const;
    // One process per signal, each on its own folder, side by side.
    const dirs = await Promise.all(cases.map(() => tempDir()));
    for (const dir of dirs) writeFileSync(join(dir, 'big.bin'), 'old');
    const results = await Promise.all(
      cases.map(([signal], i) => interrupt(['slow', join(dirs[i], 'big.bin')], 'writing', signal)),
    );
    for (const [i, [signal, status]] of cases.entries()) {
      expect(results[i].stderr, signal).toBe('');
      expect(results[i].code, signal).toBe(status);
      expect(readdirSync(dirs[i]), signal).toEqual(['big.bin']);
      expect(readFileSync(join(dirs[i], 'big.bin'), 'utf8'), signal).toBe('old');
    }
  });
});

describe('SIGKILL during tfjs-folder saves', () => {
  const graph = checkSource(new Source('big.net', FOLDER_MODEL)).graphs[0];
  const sets = [initialWeights(graph, 1), initialWeights(graph, 2)];

  it('leaves a folder holding one complete set of weights, whenever the kill lands', async () => {
    // Kills at several points after the first save (wherever a save is then), each process
    // on its own folder, side by side.
    const delays = [0, 15, 40, 120];
    const folders = await Promise.all(delays.map(async () => join(await tempDir(), 'w')));
    const results = await Promise.all(
      folders.map((folder, i) => interrupt(['folders', folder], 'saved', 'SIGKILL', delays[i])),
    );
    for (const [i, folder] of folders.entries()) {
      expect(results[i].signal).toBe('SIGKILL');
      const w = await readTfjsFolder(folder, graph);
      const matches = sets.filter((s) =>
        [...s].every(([k, v]) => w.get(k)!.data.every((x, j) => x === v.data[j])),
      );
      expect(matches, `killed ${delays[i]} ms after the first save`).toHaveLength(1);
    }
  });
});
