/**
 * `netc` as a real process (`node --import tsx tests/cli/netc-process.ts ARGS`), for tests of
 * what only a process shows: exit codes, signals, limits, files on real file systems.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../compiler/package-root.js';

export const root = packageRoot();
export const loader = join(root, 'node_modules/tsx/dist/loader.mjs');
export const entry = join(root, 'tests/cli/netc-process.ts');

export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs netc with `args`; `preload`: modules imported before it (`--import`). */
export function spawnNetc(
  args: readonly string[],
  o: { cwd?: string; preload?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): ProcessRun {
  const imports = [loader, ...(o.preload ?? [])].flatMap((m) => ['--import', m]);
  const r = spawnSync(process.execPath, [...imports, entry, ...args], {
    cwd: o.cwd ?? root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, NETC_DEBUG: undefined, ...o.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
