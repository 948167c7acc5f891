/**
 * Runs bench/pytorch/export_onnx.py (torchvision models to ONNX under bench/.cache/onnx, plus
 * PyTorch's own CPU timings) and reads its JSON. Returns a reason instead when python3, torch or
 * torchvision is missing or the script fails, so that the bench goes on without those columns.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface TorchModelInfo {
  readonly onnx: string;
  readonly params: number;
  readonly input: readonly number[];
  /** Batch size (as a string) to PyTorch eager CPU times, ms. */
  readonly eager_ms: Readonly<Record<string, readonly number[]>>;
}

export interface TorchResult {
  readonly torch: string;
  readonly torchvision: string;
  readonly threads: number;
  readonly opset: number;
  readonly wallS: number;
  readonly models: Readonly<Record<string, TorchModelInfo>>;
}

/** Tries each interpreter in turn; the reasons of all failures when none works. */
export async function runPytorchExport(
  root: string,
  options: {
    python: readonly string[];
    threads: number;
    rounds: number;
    warmup: number;
    batches: readonly number[];
  },
): Promise<TorchResult | string> {
  const reasons: string[] = [];
  for (const python of options.python) {
    const r = await runWith(root, { ...options, python });
    if (typeof r !== 'string') return r;
    reasons.push(r);
  }
  return reasons.join('; ');
}

async function runWith(
  root: string,
  options: {
    python: string;
    threads: number;
    rounds: number;
    warmup: number;
    batches: readonly number[];
  },
): Promise<TorchResult | string> {
  const args = [
    join(root, 'bench/pytorch/export_onnx.py'),
    '--out',
    join(root, 'bench/.cache/onnx'),
    '--threads',
    String(options.threads),
    '--rounds',
    String(options.rounds),
    '--warmup',
    String(options.warmup),
    '--batches',
    options.batches.join(','),
  ];
  const t0 = performance.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(options.python, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OMP_NUM_THREADS: String(options.threads) },
    });
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      // The script's progress lines; tracebacks only go into the reason returned.
      for (const line of s.split('\n'))
        if (/^(exported|timed) /.test(line)) process.stderr.write(`[pytorch] ${line}\n`);
    });
    child.on('error', (e) => resolve(`${options.python} could not be started (${e.message})`));
    child.on('close', (code) => {
      if (code !== 0) {
        const last = stderr.trim().split('\n').pop() ?? '';
        const missing = /No module named '(\w+)'/.exec(stderr);
        resolve(
          missing
            ? `${options.python} has no '${missing[1]}' module`
            : `bench/pytorch/export_onnx.py exited with ${code}: ${last}`,
        );
        return;
      }
      try {
        const parsed = JSON.parse(stdout) as Omit<TorchResult, 'wallS'>;
        resolve({ ...parsed, wallS: (performance.now() - t0) / 1000 });
      } catch (e) {
        resolve(`bench/pytorch/export_onnx.py printed no JSON (${(e as Error).message})`);
      }
    });
  });
}
