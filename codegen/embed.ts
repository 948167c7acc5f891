import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  Node,
  Project,
  SyntaxKind,
  type Identifier,
  type SourceFile,
  type Statement,
} from 'ts-morph';
import { packageRoot } from '../compiler/package-root.js';

/** The one module embedded code may use, and the name generated modules import it under. */
const TFJS = '@tensorflow/tfjs';
const TF = 'tf';

/** A text replacement inside one statement, offsets relative to the statement's start. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** What one top-level statement needs: the declarations it uses, and how its text changes. */
interface Analysis {
  readonly deps: Statement[];
  readonly edits: Edit[];
}

/** One of netc's layer classes, as a registry lowering names it (`ctx.custom('NetcConv', ...)`). */
export interface LayerClass {
  /** The registered class name (`static className`). */
  readonly className: string;
  /** The class's identifier in the code (what `new` takes). */
  readonly name: string;
  readonly file: string;
}

export interface Embedded {
  /** Declarations, dependencies first, each with its JSDoc; registrations after their class. */
  readonly text: string;
  /** The top-level names the text declares. */
  readonly names: readonly string[];
  /** The files the code comes from, relative to the package root, `/`-separated. */
  readonly files: readonly string[];
}

/**
 * netc's TensorFlow.js layers (runtime/layers/*.ts) as source code to embed in generated
 * modules: the runtime's files are the single source, read with ts-morph. `embed(classes)`
 * gives the declarations those classes need, found by following every identifier to its
 * declaration (through relative imports, into other files such as compiler/ops/conv-geometry.ts
 * if need be), tree-shaken to the top-level declarations actually reached and ordered
 * dependencies first. Each class's `tf.serialization.registerClass(...)` statement comes right
 * after it. Imports are dropped: the only package embedded code may import is
 * `@tensorflow/tfjs`, as a namespace, which generated modules import as `tf`; imported names
 * are used under their declared names. Functions and constants lose their `export` (classes
 * and types keep it, so the classes' constructor types stay nameable).
 */
export class LayerLibrary {
  private readonly project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    // Binding is all the analysis needs: no libs, no tfjs types (references into them stay
    // unresolved, which is what we want).
    compilerOptions: { noResolve: true, noLib: true, types: [], allowJs: false },
  });
  private readonly analyses = new Map<Statement, Analysis>();
  private readonly registrations = new Map<Statement, Statement[]>();
  private readonly registeredFiles = new Set<SourceFile>();
  readonly classes = new Map<string, LayerClass & { readonly decl: Statement }>();

  constructor(
    readonly dir: string = join(packageRoot(), 'runtime', 'layers'),
    readonly root: string = packageRoot(),
  ) {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.d.ts'))
      .sort();
    for (const f of files) {
      const sf = this.project.addSourceFileAtPath(join(dir, f));
      for (const c of sf.getClasses()) {
        const prop = c.getStaticProperty('className');
        const init = prop && Node.isPropertyDeclaration(prop) ? prop.getInitializer() : undefined;
        if (!init || !Node.isStringLiteral(init)) continue;
        const className = init.getLiteralValue();
        const name = c.getName();
        if (!name) continue;
        if (this.classes.has(className)) {
          throw new Error(`two netc layer classes are registered as '${className}'`);
        }
        this.classes.set(className, { className, name, file: this.display(sf), decl: c });
      }
    }
  }

  /**
   * The code the given classes (by registered class name) and functions (by name) need; see
   * the class comment.
   */
  embed(classNames: Iterable<string>, functionNames: Iterable<string> = []): Embedded {
    const order: Statement[] = [];
    const seen = new Set<Statement>();
    const visit = (s: Statement): void => {
      if (seen.has(s)) return;
      seen.add(s);
      for (const d of this.analyze(s).deps) visit(d);
      order.push(s);
      for (const r of this.registrationsOf(s)) {
        seen.add(r);
        order.push(r);
      }
    };
    for (const className of classNames) {
      const c = this.classes.get(className);
      if (!c) throw new Error(`no netc layer class '${className}' in ${this.display(this.dir)}`);
      visit(c.decl);
    }
    for (const name of functionNames) visit(this.functionNamed(name));
    const names: string[] = [];
    const owner = new Map<string, string>();
    for (const s of order) {
      for (const n of declaredNames(s)) {
        const from = this.display(s.getSourceFile());
        const clash = owner.get(n);
        if (clash !== undefined) {
          throw new Error(`cannot embed: '${n}' is declared in both ${clash} and ${from}`);
        }
        owner.set(n, from);
        names.push(n);
      }
    }
    const files = [...new Set(order.map((s) => this.display(s.getSourceFile())))].sort();
    return { text: order.map((s) => this.text(s)).join('\n\n'), names, files };
  }

  /**
   * The one top-level function with this name that the library files declare or import (from
   * a relative file, e.g. compiler/ops/tfjs-activation.ts).
   */
  private functionNamed(name: string): Statement {
    const files = this.project
      .getSourceFiles()
      .filter((f) => dirname(f.getFilePath()) === resolve(this.dir));
    const found = new Set<Statement>(
      files.flatMap((f) => f.getFunctions().filter((fn) => fn.getName() === name)),
    );
    for (const f of files) {
      for (const imp of f.getImportDeclarations()) {
        for (const spec of imp.getNamedImports().filter((n) => n.getName() === name)) {
          const ref = this.resolveImport(imp.getModuleSpecifierValue(), spec, f);
          if (ref.kind === 'decl' && Node.isFunctionDeclaration(ref.statement))
            found.add(ref.statement);
        }
      }
    }
    if (found.size !== 1) {
      throw new Error(
        `${found.size === 0 ? 'no' : 'several'} functions '${name}' in ${this.display(this.dir)}`,
      );
    }
    return [...found][0];
  }

  private display(file: SourceFile | string): string {
    const path = typeof file === 'string' ? file : file.getFilePath();
    return relative(this.root, path).split(sep).join('/');
  }

  /** The statement's text (with its JSDoc) after its edits. */
  private text(s: Statement): string {
    const start = s.getStart(true);
    let text = s.getText(true);
    const edits = [...this.analyze(s).edits].sort((a, b) => b.start - a.start);
    for (const e of edits)
      text = text.slice(0, e.start - start) + e.text + text.slice(e.end - start);
    return text;
  }

  private analyze(s: Statement): Analysis {
    const cached = this.analyses.get(s);
    if (cached) return cached;
    const deps = new Set<Statement>();
    const edits: Edit[] = [];
    if ((Node.isFunctionDeclaration(s) || Node.isVariableStatement(s)) && s.isExported()) {
      const kw = s.getFirstModifierByKind(SyntaxKind.ExportKeyword)!;
      const after = /^\s*/.exec(s.getSourceFile().getFullText().slice(kw.getEnd()))![0].length;
      edits.push({ start: kw.getStart(), end: kw.getEnd() + after, text: '' });
      if (s.isDefaultExport())
        throw new Error(`${this.where(s)}: default exports cannot be embedded`);
    }
    for (const id of s.getDescendantsOfKind(SyntaxKind.Identifier)) {
      if (id.getFirstAncestorByKind(SyntaxKind.JSDoc)) continue;
      const ref = this.resolve(id, s);
      if (!ref) continue;
      if (ref.kind === 'tf') {
        if (id.getText() !== TF) edits.push({ start: id.getStart(), end: id.getEnd(), text: TF });
        continue;
      }
      if (ref.statement !== s) deps.add(ref.statement);
      if (id.getText() !== ref.name) {
        edits.push({ start: id.getStart(), end: id.getEnd(), text: ref.name });
      }
    }
    const result = { deps: [...deps], edits };
    this.analyses.set(s, result);
    return result;
  }

  /**
   * What an identifier in statement `s` refers to: the tfjs namespace, a top-level declaration
   * (of this file or, through a relative import, of another), or nothing of interest (locals,
   * members of the same declaration, globals, tfjs types).
   */
  private resolve(
    id: Identifier,
    s: Statement,
  ): { kind: 'tf' } | { kind: 'decl'; statement: Statement; name: string } | null {
    const parent = id.getParent();
    const symbol =
      Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === id
        ? this.project.getTypeChecker().getShorthandAssignmentValueSymbol(parent)
        : id.getSymbol();
    for (const decl of symbol?.getDeclarations() ?? []) {
      const imp = decl.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
      if (imp) return this.resolveImport(imp.getModuleSpecifierValue(), decl, imp.getSourceFile());
      const top = topLevel(decl);
      if (!top || top === s) return null;
      return { kind: 'decl', statement: top, name: id.getText() };
    }
    return null;
  }

  private resolveImport(
    spec: string,
    decl: Node,
    from: SourceFile,
  ): { kind: 'tf' } | { kind: 'decl'; statement: Statement; name: string } {
    if (spec === TFJS) {
      if (Node.isNamespaceImport(decl)) return { kind: 'tf' };
      throw new Error(`${this.where(decl)}: import ${TFJS} as a namespace (import * as tf)`);
    }
    if (!spec.startsWith('.')) {
      throw new Error(
        `${this.where(decl)}: embedded layer code may import only ${TFJS} and relative files, not '${spec}'`,
      );
    }
    if (!Node.isImportSpecifier(decl)) {
      throw new Error(`${this.where(decl)}: only named imports of relative files can be embedded`);
    }
    const path = resolve(dirname(from.getFilePath()), spec.replace(/\.js$/, '.ts'));
    const file = this.project.getSourceFile(path) ?? this.project.addSourceFileAtPath(path);
    const name = decl.getName();
    const target = file.getExportedDeclarations().get(name)?.[0];
    const top = target && topLevel(target);
    if (!top || top.getSourceFile() !== file) {
      throw new Error(
        `${this.where(decl)}: cannot find '${name}' declared in ${this.display(file)}`,
      );
    }
    return { kind: 'decl', statement: top, name };
  }

  /** The `tf.serialization.registerClass(C)` statements of a class, from its file. */
  private registrationsOf(s: Statement): Statement[] {
    const file = s.getSourceFile();
    if (!this.registeredFiles.has(file)) {
      this.registeredFiles.add(file);
      for (const st of file.getStatements()) {
        if (!Node.isExpressionStatement(st)) continue;
        const classes = this.analyze(st).deps.filter((d) => Node.isClassDeclaration(d));
        if (classes.length !== 1) {
          throw new Error(
            `${this.where(st)}: a top-level statement of embedded code must register one class`,
          );
        }
        const list = this.registrations.get(classes[0]) ?? [];
        list.push(st);
        this.registrations.set(classes[0], list);
      }
    }
    return this.registrations.get(s) ?? [];
  }

  private where(n: Node): string {
    return `${this.display(n.getSourceFile())}:${n.getStartLineNumber()}`;
  }
}

/** The statement directly under the source file that contains `n`. */
function topLevel(n: Node): Statement | undefined {
  let cur: Node | undefined = n;
  while (cur && !Node.isSourceFile(cur.getParent())) cur = cur.getParent();
  return cur && Node.isStatement(cur) ? cur : undefined;
}

function declarationName(n: Node): string | undefined {
  if (
    Node.isClassDeclaration(n) ||
    Node.isFunctionDeclaration(n) ||
    Node.isInterfaceDeclaration(n) ||
    Node.isTypeAliasDeclaration(n) ||
    Node.isEnumDeclaration(n)
  ) {
    return n.getName();
  }
  return undefined;
}

/** The names a top-level statement declares. */
function declaredNames(s: Statement): string[] {
  if (Node.isVariableStatement(s)) return s.getDeclarations().map((d) => d.getName());
  const n = declarationName(s);
  return n ? [n] : [];
}

let shared: LayerLibrary | undefined;

/** The library of the installed netc (parsed once per process). */
export function layerLibrary(): LayerLibrary {
  shared ??= new LayerLibrary();
  return shared;
}
