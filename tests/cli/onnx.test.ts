/**
 * `netc compile --target onnx` and `netc run --engine onnxruntime`, in-process: files written
 * (atomically, nowhere on failure), exit codes, located errors, and outputs equal to the tfjs
 * interpreter's (the tests that run onnxruntime-node skip without it).
 */
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../cli/commands/model-args.js';
import { getOp } from '../../compiler/ops/registry.js';
import { loadOnnxRuntime, setOnnxRuntimeLoader } from '../../engines/onnxruntime-loader.js';
import { netc, readArray, tempDir, TINY_SOURCE, writeArray, writeText } from './helpers.js';
import { relDiff } from '../runtime/helpers.js';
import {
  decode,
  nodesOf,
  ortAvailable,
  pseudoRandom,
  samplesDir,
} from '../codegen/onnx/helpers.js';

afterEach(() => setOnnxRuntimeLoader());

const dir = tempDir();
const lenet = join(dir, 'lenet_bn.net');
copyFileSync(join(samplesDir, 'lenet_bn.net'), lenet);

const tiny = writeText(dir, 'tiny.net', TINY_SOURCE);

const two = writeText(
  dir,
  'two.net',
  `model first(x: [4]) {
  return y: x |> dense(2)
}

model second(x: [4]) {
  return y: x |> dense(3)
}
`,
);

const upsample = writeText(
  dir,
  'up.net',
  `model up(x: [4, 4, 2]) {
  y = x |> conv2d(2, 3)
  return y: y |> upsampling2d(2, name: "grow")
}
`,
);

/** Runs an ONNX file on onnxruntime-node (inputs by the model's port names). */
async function runOnnxFile(path: string, name: string, shape: number[], data: Float32Array) {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(readFileSync(path));
  const out = await session.run({ [name]: new ort.Tensor('float32', data, shape) });
  await session.release();
  return out[session.outputNames[0]];
}

describe('netc compile --target onnx', () => {
  it('writes FILE.onnx next to the source', async () => {
    const r = await netc(['compile', lenet, '--target', 'onnx']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const path = join(dir, 'lenet_bn.onnx');
    expect(r.stdout).toBe(`wrote ${path} (ONNX opset 17, 0.2 MB, initial weights from --seed 0)\n`);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(decode(readFileSync(path)).graph!.name).toBe('lenet_bn');
  });

  it.skipIf(!ortAvailable)('FILE.onnx predicts what netc run does', async () => {
    const path = join(dir, 'lenet_bn.onnx');
    expect((await netc(['compile', lenet, '--target', 'onnx'])).code).toBe(0);
    const data = pseudoRandom(3 * 28 * 28, 4);
    const x = await writeArray(dir, 'lenet_x.npy', [3, 28, 28, 1], data);
    const yPath = join(dir, 'lenet_y.npy');
    const run = await netc(['run', lenet, '--input', x, '--seed', '0', '--output', yPath]);
    expect(run.code).toBe(0);
    const want = await readArray(yPath);
    const got = await runOnnxFile(path, 'image', [3, 28, 28, 1], data);
    expect([...got.dims]).toEqual(want.shape);
    expect(relDiff(got.data as Float32Array, want.data)).toBeLessThanOrEqual(1e-4);
  });

  it('is deterministic: --check passes on its own output and fails for other weights', async () => {
    const out = join(dir, 'det.onnx');
    expect((await netc(['compile', tiny, '--target', 'onnx', '-o', out, '--seed', '3'])).code).toBe(
      0,
    );
    const first = readFileSync(out);
    const again = await netc([
      'compile',
      tiny,
      '--target',
      'onnx',
      '-o',
      out,
      '--seed',
      '3',
      '--check',
    ]);
    expect([again.code, again.stdout, again.stderr]).toEqual([0, '', '']);
    const other = await netc(['compile', tiny, '--target', 'onnx', '-o', out, '--check']);
    expect(other.code).toBe(1);
    expect(other.stdout).toBe(`${out}: out of date\n`);
    expect(other.stderr).toContain('1 of 1 generated ONNX models need regenerating');
    expect(readFileSync(out).equals(first)).toBe(true);
  });

  it('--weights embeds saved weights: the same bytes as the seed that made them', async () => {
    const saved = join(dir, 'tiny.safetensors');
    expect((await netc(['init', tiny, '--seed', '5', '--save', saved])).code).toBe(0);
    const a = join(dir, 'from-weights.onnx');
    const b = join(dir, 'from-seed.onnx');
    const r = await netc(['compile', tiny, '--target', 'onnx', '--weights', saved, '-o', a]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`weights from ${saved}`);
    expect((await netc(['compile', tiny, '--target', 'onnx', '--seed', '5', '-o', b])).code).toBe(
      0,
    );
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('--weights of another model: exit 1, every mismatch listed, no file', async () => {
    const saved = join(dir, 'lenet.safetensors');
    expect((await netc(['init', lenet, '--seed', '1', '--save', saved])).code).toBe(0);
    const out = join(dir, 'wrong.onnx');
    const r = await netc(['compile', tiny, '--target', 'onnx', '--weights', saved, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^netc: .*lenet\.safetensors: /);
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!ortAvailable)(
    '--optimize exports the optimized graph, which predicts the same',
    async () => {
      const out = join(dir, 'lenet_opt.onnx');
      const r = await netc(['compile', lenet, '--target', 'onnx', '--optimize', '-o', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('initial weights from --seed 0, optimized for inference');
      const data = pseudoRandom(2 * 28 * 28, 8);
      const plain = await runOnnxFile(join(dir, 'lenet_bn.onnx'), 'image', [2, 28, 28, 1], data);
      const optimized = await runOnnxFile(out, 'image', [2, 28, 28, 1], data);
      expect(relDiff(optimized.data as Float32Array, plain.data as Float32Array)).toBeLessThan(
        1e-4,
      );
    },
  );

  it('an op without an ONNX lowering: located error E5001, exit 1, no file', async () => {
    const op = getOp('upsampling2d') as { onnx?: unknown };
    const saved = op.onnx;
    delete op.onnx;
    try {
      const r = await netc(['compile', upsample, '--target', 'onnx']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `${upsample}:3:18: error[E5001]: op 'upsampling2d' has no ONNX lowering (node grow), so this model cannot be exported to ONNX`,
      );
      expect(r.stderr).toBe('1 error, 0 warnings in 1 file\n');
      expect(existsSync(join(dir, 'up.onnx'))).toBe(false);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);

      const x = await writeArray(dir, 'up_x.npy', [1, 4, 4, 2], pseudoRandom(32));
      const run = await netc(['run', upsample, '--input', x, '--engine', 'onnxruntime']);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${upsample}:3:18: error[E5001]: op 'upsampling2d'`);
    } finally {
      op.onnx = saved;
    }
    // And with the lowering back, it exports.
    expect((await netc(['compile', upsample, '--target', 'onnx'])).code).toBe(0);
  });

  it('an argument ONNX cannot express: the lowering error at the layer, exit 1', async () => {
    const file = writeText(
      dir,
      'pad.net',
      'model pad(x: [T, ?]) {\n  return y: x |> zero_pad_channels(8)\n}\n',
    );
    const r = await netc(['compile', file, '--target', 'onnx']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${file}:2:18: error[E3004]: zero_pad_channels needs a known channel count to export to ONNX, but the input is [T, ?]`,
    );
    expect(existsSync(join(dir, 'pad.onnx'))).toBe(false);
  });

  it('a file that does not compile: exit 1, nothing written', async () => {
    const file = writeText(dir, 'bad.net', 'model bad(x: [4]) {\n  return y: x |> dense(0)\n}\n');
    const r = await netc(['compile', file, '--target', 'onnx']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/bad\.net:2:\d+: error\[E2002\]/);
    expect(existsSync(join(dir, 'bad.onnx'))).toBe(false);
  });

  it.each([
    [
      'an unknown target',
      [tiny, '--target', 'wasm'],
      /--target must be one of ts, onnx, found 'wasm'/,
    ],
    ['--seed without --target onnx', [tiny, '--seed', '1'], /--seed applies to --target onnx only/],
    ['--opset without --target onnx', [tiny, '--opset', '17'], /--opset applies to --target onnx/],
    [
      '--weights with --seed',
      [tiny, '--target', 'onnx', '--weights', 'w.safetensors', '--seed', '1'],
      /option '--seed <N>' cannot be used with option '--weights <PATH>'/,
    ],
    [
      'opset 16',
      [tiny, '--target', 'onnx', '--opset', '16'],
      /--opset must be an integer in \[17, 21\]/,
    ],
    [
      '-o with two files',
      [tiny, two, '--target', 'onnx', '-o', 'x.onnx'],
      /-o OUT.onnx takes exactly one FILE/,
    ],
    [
      '--weights for two models',
      [two, '--target', 'onnx', '--weights', 'w.safetensors'],
      /--weights holds the weights of one model, but 2 would be compiled/,
    ],
  ])('usage error: %s (exit 2)', async (_label, args, message) => {
    const r = await netc(['compile', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('names one file per model for a file that defines several', async () => {
    const r = await netc(['compile', two, '--target', 'onnx']);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'two.first.onnx'))).toBe(true);
    expect(existsSync(join(dir, 'two.second.onnx'))).toBe(true);
  });

  it('documents the target in --help', async () => {
    const r = await netc(['compile', '--help']);
    expect(r.stdout).toContain('--target ts|onnx');
    expect(r.stdout).toContain('--opset N');
  });
});

describe('netc run --engine onnxruntime', () => {
  it.skipIf(!ortAvailable)(
    'prints the report of the tfjs engine and writes the same outputs',
    async () => {
      const data = pseudoRandom(4 * 6, 11);
      const x = await writeArray(dir, 'tiny_x.npy', [4, 6], data);
      const onnxOut = join(dir, 'tiny_ort.npy');
      const tfjsOut = join(dir, 'tiny_tfjs.npy');
      const args = ['run', tiny, '--input', x, '--seed', '7'];
      const r = await netc([...args, '--engine', 'onnxruntime', '--output', onnxOut]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const t = await netc([...args, '--output', tfjsOut]);
      expect(t.code).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(
          `^model    tiny \\(${tiny.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) on onnxruntime \\(cpu\\), initial weights from --seed 7$`,
          'm',
        ),
      );
      expect(r.stdout).toMatch(
        /^build    .*\(compile .*, weights on tfjs wasm .*, export \+ session .*\)$/m,
      );
      expect(r.stdout).toMatch(/^predict  \d+ ms \(batch 4\)$/m);
      const preview = (s: string) => s.split('\n').find((l) => l.startsWith('y '));
      expect(preview(r.stdout)).toBe(preview(t.stdout));
      expect(r.stdout).toContain(`wrote    y [4, 3] to ${onnxOut}`);
      const a = await readArray(tfjsOut);
      const b = await readArray(onnxOut);
      expect(b.shape).toEqual([4, 3]);
      expect(relDiff(b.data, a.data)).toBeLessThanOrEqual(1e-5);
    },
  );

  it.skipIf(!ortAvailable)('runs with --threads and --no-optimize', async () => {
    const x = await writeArray(dir, 'tiny_x2.npy', [2, 6], pseudoRandom(12, 3));
    const r = await netc([
      'run',
      tiny,
      '--input',
      x,
      '--engine',
      'onnxruntime',
      '--threads',
      '1',
      '--no-optimize',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('on onnxruntime (cpu, 1 thread), random initial weights');
  });

  it('onnxruntime-node missing: one clear line, exit 1, no stack trace', async () => {
    setOnnxRuntimeLoader(() =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'onnxruntime-node' imported from x.js"), {
          code: 'ERR_MODULE_NOT_FOUND',
        }),
      ),
    );
    const x = await writeArray(dir, 'tiny_x3.npy', [1, 6], pseudoRandom(6, 2));
    const r = await netc(['run', tiny, '--input', x, '--engine', 'onnxruntime']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'netc: onnxruntime-node is not installed: npm install onnxruntime-node (with ONNXRUNTIME_NODE_INSTALL_CUDA=skip ONNXRUNTIME_NODE_INSTALL=skip in the environment its install script downloads nothing: the CPU binaries come with the package)\n',
    );
    expect(r.stdout).toBe('');
  });

  it('checks the inputs before anything runs (exit 1)', async () => {
    const x = await writeArray(dir, 'tiny_bad.npy', [2, 5], pseudoRandom(10));
    const r = await netc(['run', tiny, '--input', x, '--engine', 'onnxruntime']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("input 'x' expects [batch, 6], found [2, 5]");
  });

  it.each([
    [['--engine', 'tensorrt'], /--engine must be one of tfjs, onnxruntime, found 'tensorrt'/],
    [
      ['--backend', 'cpu', '--threads', '2'],
      /--threads applies to --engine onnxruntime or the wasm backend, not --backend cpu/,
    ],
    [['--engine', 'onnxruntime', '--threads', '0'], /--threads must be an integer in \[1, 1024\]/],
  ])('usage error %j (exit 2)', async (extra, message) => {
    const r = await netc(['run', tiny, '--input', 'x.npy', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('parses --engine and --threads', () => {
    expect(parseRunArgs(['m.net', '--input', 'x.npy'])).toMatchObject({ engine: 'tfjs' });
    expect(
      parseRunArgs(['m.net', '--input', 'x.npy', '--engine', 'onnxruntime', '--threads', '3']),
    ).toMatchObject({ engine: 'onnxruntime', threads: 3 });
  });
});

describe('a model with several outputs in netc layout', () => {
  it('compiles, with batch-first, channels-last outputs', async () => {
    const file = writeText(
      dir,
      'multi.net',
      `model multi(image: [6, 5, 3]) {
  f = image |> conv2d(4, 3, stride: 2)
  return features: f, pooled: f |> global_avg_pool2d
}
`,
    );
    const r = await netc(['compile', file, '--target', 'onnx']);
    expect(r.code).toBe(0);
    const m = decode(readFileSync(join(dir, 'multi.onnx')));
    expect(m.graph!.output!.map((o) => o.name)).toEqual(['features', 'pooled']);
    expect(nodesOf(m, 'Transpose')).toHaveLength(2);
  });

  it.skipIf(!ortAvailable)('runs on onnxruntime, batch-first and channels-last', async () => {
    const file = join(dir, 'multi.net');
    expect((await netc(['compile', file, '--target', 'onnx'])).code).toBe(0);
    const out = await runOnnxFile(
      join(dir, 'multi.onnx'),
      'image',
      [2, 6, 5, 3],
      pseudoRandom(180),
    );
    expect([...out.dims]).toEqual([2, 3, 3, 4]);
  });
});
