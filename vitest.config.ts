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
const unitOnly = [
  'tests/passes/passes.test.ts',
  'tests/runtime-cli/progress.test.ts',
  'tests/runtime-io/npy.test.ts',
  'tests/runtime-io/safetensors.test.ts',
];

export const testProjects = {
  unit: {
    include: [
      'tests/*.test.ts',
      'tests/cli/**/*.test.ts',
      'tests/compiler/**/*.test.ts',
      'tests/fuzz/**/*.test.ts',
      'tests/grammar/**/*.test.ts',
      'tests/ops/**/*.test.ts',
      'tests/samples/**/*.test.ts',
      ...unitOnly,
    ],
    exclude: [],
  },
  tensor: {
    include: [
      'tests/codegen/**/*.test.ts',
      'tests/passes/**/*.test.ts',
      'tests/runtime/**/*.test.ts',
      'tests/runtime-cli/**/*.test.ts',
      'tests/runtime-io/**/*.test.ts',
    ],
    exclude: unitOnly,
  },
  onnx: {
    include: ['tests/onnx/**/*.test.ts'],
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
          globalSetup: ['tests/onnx/global-setup.ts'],
          setupFiles: ['tests/onnx/setup.ts'],
        },
      },
    ],
  },
});
