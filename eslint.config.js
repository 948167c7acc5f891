// ESLint: typescript-eslint's recommended rules, no import cycles, and the layering of the tree.
// Dependencies run one way: grammar <- compiler <- io <- {runtime, codegen} <- {engines, api} <- cli.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Each layer, and the folders it must not import from (bench/ and tests/ may import anything). */
const layers = {
  grammar: ['compiler', 'io', 'runtime', 'codegen', 'engines', 'api', 'cli', 'bench'],
  compiler: ['io', 'runtime', 'codegen', 'engines', 'api', 'cli', 'bench'],
  io: ['runtime', 'codegen', 'engines', 'api', 'cli', 'bench'],
  runtime: ['codegen', 'engines', 'api', 'cli', 'bench'],
  codegen: ['runtime', 'engines', 'api', 'cli', 'bench'],
  engines: ['api', 'cli', 'bench'],
  api: ['cli', 'bench'],
  cli: ['bench'],
  // Inside the compiler: the IR knows no ops, the ops know no lowering or passes.
  'compiler/ir': ['compiler/ops', 'compiler/lower', 'compiler/passes', 'compiler/checks'],
  'compiler/ops': ['compiler/lower', 'compiler/passes', 'compiler/checks'],
};

const zones = Object.entries(layers).flatMap(([target, banned]) =>
  banned.map((from) => ({
    target: `./${target}`,
    from: `./${from}`,
    message: `${target}/ must not depend on ${from}/ (see eslint.config.js)`,
  })),
);

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'tests/golden/',
      'tests/.tmp-codegen/',
      '.rt-scratch/',
      'bench/.cache/',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    plugins: { 'import-x': importX },
    settings: {
      // import-x parses the imported files too (for no-cycle): with the TypeScript parser.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      // Escaping control characters in output and matching column-aligned text are deliberate.
      'no-control-regex': 'off',
      'no-regex-spaces': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);
