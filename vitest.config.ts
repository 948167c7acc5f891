import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The three test projects, by directory and file globs; every tests/**\/*.test.ts file belongs to
 * exactly one of them (tests/projects.test.ts checks it).
 *
 * - unit: grammar, compiler, ops, file formats, the CLI's non-tensor commands, docs. No
 *   TensorFlow.js, under a minute: `npm run test:unit`.
 * - tensor: the tfjs runtime, passes and codegen checked on tensors, the CLI commands that run
 *   tfjs: `npm run test:tensor`.
 * - onnx: everything that exports to ONNX or runs on onnxruntime-node: `npm run test:onnx`.
 */
/** Files of the unit folders below that run TensorFlow.js or onnxruntime-node in the test process. */
const tensorFiles = [
  'tests/cli/allow-imports.test.ts',
  'tests/cli/args.test.ts',
  'tests/cli/conventions.test.ts',
  'tests/cli/ecg-train.test.ts',
  'tests/cli/hostile-outputs.test.ts',
  'tests/cli/run.test.ts',
  'tests/cli/train.test.ts',
  'tests/cli/train-options.test.ts',
  'tests/cli/eval.test.ts',
  'tests/cli/weights.test.ts',
  'tests/compiler/initial-weights.test.ts',
  'tests/compiler/ops/conv-transpose.test.ts',
  'tests/compiler/passes/codegen.test.ts',
  'tests/compiler/passes/parity.test.ts',
  'tests/compiler/passes/random-graphs.test.ts',
  'tests/io/hostile-cli.test.ts',
  'tests/io/tfjs-weights.test.ts',
];
const onnxFiles = [
  'tests/codegen/onnx/**/*.test.ts',
  'tests/engines/**/*.test.ts',
  'tests/cli/onnx.test.ts',
  'tests/cli/demo.test.ts',
];

export const testProjects = {
  unit: {
    include: [
      'tests/*.test.ts',
      'tests/cli/**/*.test.ts',
      'tests/compiler/**/*.test.ts',
      'tests/grammar/**/*.test.ts',
      'tests/io/**/*.test.ts',
      'tests/samples/**/*.test.ts',
    ],
    exclude: [...tensorFiles, ...onnxFiles],
  },
  tensor: {
    include: [
      ...tensorFiles,
      'tests/api/**/*.test.ts',
      'tests/package/**/*.test.ts',
      'tests/codegen/**/*.test.ts',
      'tests/runtime/**/*.test.ts',
      'tests/examples/**/*.test.ts',
    ],
    exclude: onnxFiles,
  },
  onnx: {
    include: onnxFiles,
    exclude: [],
  },
} as const;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    pool: 'forks',
    // In CI, also write a JSON report so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-results.json' }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [...testProjects.unit.include],
          exclude: [...configDefaults.exclude, ...testProjects.unit.exclude],
          // Fails a file that loads TensorFlow.js.
          setupFiles: ['tests/unit-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'tensor',
          include: [...testProjects.tensor.include],
          exclude: [...configDefaults.exclude, ...testProjects.tensor.exclude],
        },
      },
      {
        extends: true,
        test: {
          name: 'onnx',
          include: [...testProjects.onnx.include],
          exclude: [...configDefaults.exclude, ...testProjects.onnx.exclude],
          // Prints one line when onnxruntime-node is absent; with NETC_TEST_NO_ORT=1, simulates it.
          globalSetup: ['tests/codegen/onnx/global-setup.ts'],
          setupFiles: ['tests/codegen/onnx/setup.ts'],
        },
      },
    ],
  },
});
