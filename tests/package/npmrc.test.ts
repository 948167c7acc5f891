/**
 * `npm ci` as README's two lines run it, with nothing exported first: the project's `.npmrc`
 * reaches onnxruntime-node's install script as `npm_config_onnxruntime_node_install=skip`, which
 * makes the script exit at once, before any download (its script/install-utils.js reads that
 * variable; without it, on linux/x64 the script fetches CUDA binaries, fails offline, and npm
 * drops the optional package). Skips with one line when onnxruntime-node is not installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');
const script = join(repo, 'node_modules/onnxruntime-node/script/install.js');
const present = existsSync(script);
if (!present) console.log('onnxruntime-node is not installed: the .npmrc test skips');

/** `sh -c command` under `npm exec` in the repository, with the ONNXRUNTIME_* variables unset. */
function underNpm(command: string): string {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (/^(ONNXRUNTIME_|npm_config_onnxruntime)/i.test(key)) delete env[key];
  return execFileSync('npm', ['exec', '-c', command], {
    cwd: repo,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

describe('the project .npmrc', () => {
  it.skipIf(!present)(
    "hands onnxruntime-node's install script the skip flag, and the script exits 0 at once",
    () => {
      expect(underNpm('echo "flag=$npm_config_onnxruntime_node_install"').trim()).toBe('flag=skip');
      // The script itself, as npm runs it at install time: it stops before reading its manifests.
      expect(underNpm(`node ${JSON.stringify(script)} && echo done`).trim()).toBe('done');
    },
  );
});
