import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { checkFile } from '../../compiler/compile.js';
import type { Graph } from '../../compiler/ir/graph.js';

export const repo = join(import.meta.dirname, '../..');
export const samplesDir = join(repo, 'samples');
export const fixturesDir = join(import.meta.dirname, 'fixtures');
export const goldenDir = join(repo, 'tests/golden/codegen');

export const sampleFiles = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.net'))
  .sort();

/** The one graph of a `.net` file that must compile. */
export function graphOf(path: string, model?: string): Graph {
  const result = checkFile(path, { model });
  if (!result.ok || result.graphs.length !== 1) {
    throw new Error(`${path}: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  }
  return result.graphs[0];
}

/**
 * A fresh folder for generated modules inside the repository, so that their
 * `import * as tf from '@tensorflow/tfjs'` resolves (tests/.tmp-codegen is gitignored).
 */
export function scratchDir(): string {
  const root = join(repo, 'tests', '.tmp-codegen');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, 'run-'));
}

/**
 * `tsc --strict --noEmit` over the files, in-process (one program), plus the checks that find
 * dead code: unused locals and parameters. Returns the diagnostics, formatted.
 */
export function typecheck(files: readonly string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    noImplicitOverride: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  });
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => repo,
    getNewLine: () => '\n',
  };
  return ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, host));
}

/** The module specifiers a TypeScript text imports, statically or dynamically. */
export function importsOf(text: string): string[] {
  const sf = ts.createSourceFile('m.ts', text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) {
      out.push((n.moduleSpecifier as ts.StringLiteral).text);
    }
    if (ts.isImportEqualsDeclaration(n)) out.push(n.moduleReference.getText());
    if (ts.isCallExpression(n)) {
      const callee = n.expression.getText();
      if (n.expression.kind === ts.SyntaxKind.ImportKeyword || callee === 'require') {
        out.push(n.arguments[0]?.getText() ?? '');
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
