/**
 * Global setup of the onnx project: when onnxruntime-node cannot be used, one line says so and
 * names the test files whose ONNX Runtime tests are skipped (those guarded by `ortAvailable`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeOrt } from './ort-probe.js';

/** The test files of tests/onnx that skip tests without onnxruntime-node. */
export function ortGuardedFiles(): string[] {
  const dir = import.meta.dirname;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .filter((f) => /\bskipIf\(!ortAvailable\)/.test(readFileSync(join(dir, f), 'utf8')))
    .sort();
}

/** The line printed once per run, or `undefined` when onnxruntime-node is there. */
export async function skipLine(): Promise<string | undefined> {
  const why = await probeOrt();
  if (why === undefined) return undefined;
  const files = ortGuardedFiles();
  return (
    `onnxruntime-node ${why}: the ONNX Runtime tests of ${files.length} test files are skipped ` +
    `(tests/onnx/{${files.map((f) => f.replace(/\.test\.ts$/, '')).join(',')}}.test.ts)`
  );
}

export default async function setup(): Promise<void> {
  const line = await skipLine();
  if (line) console.log(line);
}
