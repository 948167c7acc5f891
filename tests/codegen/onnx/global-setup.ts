/**
 * Global setup of the onnx project: when onnxruntime-node cannot be used, one line says so and
 * names the test files whose ONNX Runtime tests are skipped (those guarded by `ortAvailable`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeOrt } from './ort-probe.js';

/** The onnx project's test files (as the repository names them) that skip tests without onnxruntime-node. */
export function ortGuardedFiles(): string[] {
  const repo = join(import.meta.dirname, '../../..');
  const dirs = ['tests/codegen/onnx', 'tests/engines', 'tests/cli'];
  return dirs
    .flatMap((d) => readdirSync(join(repo, d)).map((f) => `${d}/${f}`))
    .filter((f) => f.endsWith('.test.ts'))
    .filter((f) => /\bskipIf\(!ortAvailable\)/.test(readFileSync(join(repo, f), 'utf8')))
    .sort();
}

/** The line printed once per run, or `undefined` when onnxruntime-node is there. */
export async function skipLine(): Promise<string | undefined> {
  const why = await probeOrt();
  if (why === undefined) return undefined;
  const files = ortGuardedFiles();
  return (
    `onnxruntime-node ${why}: the ONNX Runtime tests of ${files.length} test files are skipped ` +
    `(${files.join(', ')})`
  );
}

export default async function setup(): Promise<void> {
  const line = await skipLine();
  if (line) console.log(line);
}
