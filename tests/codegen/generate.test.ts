/**
 * Generated modules: every sample and fixture type-checks under `tsc --strict` (plus unused
 * locals / parameters: no dead code), imports nothing but @tensorflow/tfjs, embeds exactly the
 * netc layer code it needs, matches the golden files, and keeps source text out of code.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModule } from '../../codegen/index.js';
import { layerLibrary } from '../../codegen/embed.js';
import {
  fixturesDir,
  goldenDir,
  graphOf,
  importsOf,
  repo,
  sampleFiles,
  samplesDir,
  scratchDir,
  typecheck,
} from './helpers.js';

const golden = ['mlp_mnist', 'lenet_bn', 'ecg_resnet'];
const hostile = join(fixturesDir, 'hostile.net');
const layers = join(fixturesDir, 'layers.net');

const dir = scratchDir();
/** Generated text by module name (`resnext50`, `layers.small`, ...). */
const modules = new Map<string, string>();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  for (const f of sampleFiles) {
    const path = join(samplesDir, f);
    modules.set(f.replace(/\.net$/, ''), await generateModule(graphOf(path), { sourcePath: path }));
  }
  modules.set('hostile', await generateModule(graphOf(hostile), { sourcePath: hostile }));
  for (const m of ['every_layer', 'small']) {
    modules.set(`layers.${m}`, await generateModule(graphOf(layers, m), { sourcePath: layers }));
  }
  for (const [name, text] of modules) writeFileSync(join(dir, `${name}.ts`), text);
}, 120_000);

describe('generated modules', () => {
  it('type-check with tsc --strict, no unused locals or parameters (one program)', () => {
    // Each layer class embedded alone, too: the tree-shaking must keep all it needs.
    const library = layerLibrary();
    const alone = [...library.classes.keys()].map((c) => {
      const file = join(dir, `class-${c}.ts`);
      const text = `import * as tf from '@tensorflow/tfjs';\n\n${library.embed([c]).text}\n`;
      writeFileSync(file, text);
      return file;
    });
    const files = [...[...modules.keys()].map((n) => join(dir, `${n}.ts`)), ...alone];
    expect(typecheck(files)).toEqual([]);
  });

  it('import nothing but @tensorflow/tfjs', () => {
    for (const [, text] of modules) expect(importsOf(text)).toEqual(['@tensorflow/tfjs']);
  });

  it.each(golden)('%s matches tests/golden/codegen (vitest -u rewrites it)', async (name) => {
    await expect(modules.get(name)!).toMatchFileSnapshot(join(goldenDir, `${name}.ts`));
  });

  it('embed exactly the netc classes each model uses, registered', () => {
    const classes = (text: string) => [...text.matchAll(/^export class (\w+)/gm)].map((m) => m[1]);
    expect(classes(modules.get('mlp_mnist')!)).toEqual([]);
    expect(classes(modules.get('resnext50')!)).toEqual(['NetcConv']);
    expect(classes(modules.get('layers.small')!)).toEqual(['NetcHardSigmoid']);
    expect(classes(modules.get('layers.every_layer')!).sort()).toEqual(
      [...layerLibrary().classes.values()].map((c) => c.name).sort(),
    );
    for (const text of modules.values()) {
      for (const c of classes(text)) {
        expect(text).toContain(`tf.serialization.registerClass(${c});`);
      }
    }
  });

  it('print netc activations through the runtime mapping it embeds', () => {
    const text = modules.get('layers.small')!;
    expect(text).toContain("activation: tfjsActivation('hard_sigmoid')");
    expect(text).toContain('function tfjsActivation(name: string): TfjsActivation {');
  });

  it('export the API: createModel, inputShapes, outputShapes, modelInfo, classes, types', () => {
    const sf = ts.createSourceFile('m.ts', modules.get('resnext50')!, ts.ScriptTarget.ES2022);
    const exported = sf.statements
      .filter((s) =>
        ts.canHaveModifiers(s)
          ? ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
          : false,
      )
      .flatMap((s) =>
        ts.isVariableStatement(s)
          ? s.declarationList.declarations.map((d) => d.name.getText(sf))
          : [(s as ts.DeclarationStatement).name!.getText(sf)],
      );
    expect(exported.slice(0, 4)).toEqual([
      'inputShapes',
      'outputShapes',
      'modelInfo',
      'createModel',
    ]);
    // Functions and constants of the embedded code stay private.
    expect(modules.get('resnext50')).not.toMatch(
      /^export (async function|function|const) (?!createModel|inputShapes|outputShapes|modelInfo|weightsInfo|fetchWeights|loadTfjsWeights|loadSafetensorsWeights\b)/m,
    );
  });

  it('give typed shapes and model facts', () => {
    const text = modules.get('resnext50')!;
    expect(text).toContain('export const inputShapes = { image: [null, 224, 224, 3] } as const;');
    expect(text).toContain('export const outputShapes = { probs: [null, 1000] } as const;');
    expect(text).toMatch(
      /export const modelInfo = \{\n {2}name: 'resnext50',\n {2}params: 25097192,/,
    );
  });

  it('comment each block expansion with the .net line of the call', () => {
    const text = modules.get('resnext50')!;
    expect(text).toContain(
      '  // resnext50.net:32 resnext_stack(filters=256, blocks=4, stride=2, groups=32)\n' +
        '  // resnext50.net:13 grouped_bottleneck(filters=256, stride=2, groups=32)\n' +
        '  // std/resnet.net:94 conv_bn_relu(filters=256, kernel_size=1, bias=false)\n' +
        '  const stack2_block1_reduce_conv = apply(',
    );
    // One statement per layer, named after the layer.
    const body = text.slice(text.indexOf('export function createModel'), text.indexOf('\n}\n'));
    const graph = graphOf(join(samplesDir, 'resnext50.net'));
    expect(body.match(/^ {2}const \w+ = /gm)).toHaveLength(graph.nodes.length);
    expect(body).toContain('  const stack4_block3_out = apply(');
  });

  it('do not depend on the working directory or the path spelling', async () => {
    const abs = join(samplesDir, 'resnet_v1.net');
    const rel = relative(process.cwd(), abs);
    const a = await generateModule(graphOf(abs), { sourcePath: abs });
    const b = await generateModule(graphOf(rel), { sourcePath: rel });
    expect(b).toBe(a);
    expect(a).toBe(modules.get('resnet_v1'));
    expect(a).not.toContain(repo);
  });
});

describe('source text in generated code', () => {
  const text = () => modules.get('hostile')!;

  it('reaches code only as string literals, sanitised identifiers and // comments', () => {
    const sf = ts.createSourceFile('m.ts', text(), ts.ScriptTarget.ES2022, true);
    const create = sf.statements.find(
      (s): s is ts.FunctionDeclaration =>
        ts.isFunctionDeclaration(s) && s.name?.text === 'createModel',
    )!;
    const graph = graphOf(hostile);
    // Nothing injected: exactly one declaration per node, then the return.
    const statements = create.body!.statements;
    expect(statements).toHaveLength(graph.nodes.length + 1);
    for (const s of statements.slice(0, -1)) {
      expect(ts.isVariableStatement(s)).toBe(true);
      const decl = (s as ts.VariableStatement).declarationList.declarations[0];
      expect(decl.name.getText(sf)).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    }
    // Every comment is a single line; none holds a raw line break or `*/`.
    const comments = text().match(/\/\/.*$/gm) ?? [];
    for (const c of comments) expect(c).not.toMatch(/\*\/|[\u2028\u2029\r]/);
    expect(text()).not.toMatch(/[\u2028\u2029\r]/);
    expect(text()).toContain(`// hostile.net:10 evil(tag="\\\\u0041 \\ud800 *\\/ /* \${\`")`);
  });

  it('keys the shapes safely, __proto__ included', () => {
    expect(text()).toContain("['__proto__']: [null, 6]");
    expect(text()).toContain('const default_ = tf.input(');
    expect(text()).toContain(
      "export const outputShapes = { tf: [null, 3], ['__proto__']: [null, 4], class: [null, 4] } as const;",
    );
  });

  it('keeps generated names clear of module names and reserved words', () => {
    // Inputs and layers called apply, createModel, delete, tf: suffixed, never shadowing.
    expect(text()).toContain("const apply_2 = tf.input({ name: 'apply', batchShape: [null, 4] });");
    expect(text()).toContain('const createModel_2 = apply(');
    expect(text()).toMatch(/const delete_tf = apply\(/);
  });
});
