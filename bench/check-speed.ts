/**
 * Compile-speed benchmark: check time per sample (in-process, median of repeated runs after a
 * warm-up) and the whole `netc check samples/*.net` process. Run with `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource } from '../compiler/compile.js';
import { packageRoot } from '../compiler/package-root.js';
import { Source } from '../compiler/source.js';

const root = packageRoot();
const samples = readdirSync(join(root, 'samples'))
  .filter((f) => f.endsWith('.net'))
  .sort();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeCheck(
  path: string,
  runs: number,
): { median: number; min: number; max: number; nodes: number } {
  const text = readFileSync(path, 'utf8');
  checkSource(new Source(path, text));
  const times: number[] = [];
  let nodes = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = checkSource(new Source(path, text));
    times.push(performance.now() - t);
    nodes = r.graphs.reduce((n, g) => n + g.nodes.length, 0);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), nodes };
}

console.log('| sample | IR nodes | check median (ms) | min–max (ms) |');
console.log('|---|---:|---:|---:|');
for (const f of samples) {
  const r = timeCheck(join(root, 'samples', f), 15);
  console.log(
    `| ${f} | ${r.nodes} | ${r.median.toFixed(1)} | ${r.min.toFixed(1)}–${r.max.toFixed(1)} |`,
  );
}

const procTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  execFileSync(
    process.execPath,
    [join(root, 'bin/netc.js'), 'check', ...samples.map((f) => join(root, 'samples', f))],
    { stdio: 'ignore' },
  );
  procTimes.push(performance.now() - t);
}
console.log(
  `\nwhole process \`netc check samples/*.net\` (${samples.length} files): median ${median(procTimes).toFixed(0)} ms, min–max ${Math.min(...procTimes).toFixed(0)}–${Math.max(...procTimes).toFixed(0)} ms over 5 runs`,
);
