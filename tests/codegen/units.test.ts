/**
 * The pieces of code generation: the printers that keep source text inert, the embedder of
 * runtime/layers code (on a throwaway library), the recording of registry lowerings, and the
 * default module paths.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultModulePath, LayerLibrary, lowerGraph } from '../../codegen/index.js';
import {
  Identifiers,
  lineComment,
  propertyKey,
  stringLiteral,
  valueLiteral,
} from '../../codegen/print.js';
import { layerNames } from '../../compiler/ir/layer-names.js';
import { chainGraph } from '../runtime/helpers.js';
import { scratchDir } from './helpers.js';

const hostile = [
  'plain',
  'quote " and \' and `',
  '${x} `${y}`',
  'back\\slash \\u0041 \\n',
  'line\nfeed\rreturn\u2028ls\u2029ps',
  '*/ /* // <!-- -->',
  '\0\u0007\u001b',
  'lone \ud800 surrogate \udfff',
  '😀 é',
];

describe('printers', () => {
  it.each(hostile)('stringLiteral(%j) evaluates back to the string', (s) => {
    const lit = stringLiteral(s);
    expect(lit).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(new Function(`return ${lit};`)()).toBe(s);
  });

  it('propertyKey quotes what is not an identifier, and computes __proto__', () => {
    expect(propertyKey('image')).toBe('image');
    expect(propertyKey('class')).toBe('class');
    expect(propertyKey('a b')).toBe('"a b"');
    expect(propertyKey('__proto__')).toBe('["__proto__"]');
    const obj = new Function(
      `return { ${propertyKey('__proto__')}: 1, ${propertyKey('x"y')}: 2 };`,
    )();
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.keys(obj)).toEqual(['__proto__', 'x"y']);
  });

  it('valueLiteral prints JSON-like values and refuses anything else', () => {
    const v = { a: [1, -0, 1e-7, null, true], 'b-c': { d: 'e\n' }, skip: undefined };
    const printed = valueLiteral(v);
    expect(printed).toBe('{ a: [1, -0, 1e-7, null, true], "b-c": { d: "e\\n" } }');
    expect(Object.is(new Function(`return ${printed};`)().a[1], -0)).toBe(true);
    expect(() => valueLiteral({ f: () => 1 })).toThrow(/cannot print function/);
    expect(() => valueLiteral(new Date())).toThrow(/cannot print/);
    expect(
      valueLiteral({ activation: 'x', y: 1 }, (k) => (k === 'activation' ? 'f()' : undefined)),
    ).toBe('{ activation: f(), y: 1 }');
  });

  it('Identifiers are valid, not reserved, unique, and avoid taken names', () => {
    const ids = new Identifiers(['tf', 'apply']);
    const made = ['a.b', 'a_b', '0x', '', 'delete', 'tf', 'apply', 'ü$`${}', 'let', 'a.b'].map(
      (n) => ids.make(n),
    );
    expect(made).toEqual([
      'a_b',
      'a_b_2',
      '_0x',
      '_',
      'delete_',
      'tf_2',
      'apply_2',
      '______',
      'let_',
      'a_b_3',
    ]);
    for (const id of made)
      expect(() => new Function(`'use strict'; const ${id} = 1;`)).not.toThrow();
  });

  it('lineComment keeps any text on one comment line', () => {
    for (const s of hostile) {
      const c = lineComment(s);
      expect(c).not.toMatch(/[\n\r\u2028\u2029]|\*\//);
      expect(new Function(`${c}\nreturn 1;`)()).toBe(1);
    }
  });
});

describe('LayerLibrary (embedding runtime layer code)', () => {
  const root = scratchDir();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const lib = join(root, 'layers');
  mkdirSync(lib);
  mkdirSync(join(root, 'shared'));
  const write = (path: string, text: string) => writeFileSync(join(root, path), text);
  write(
    'shared/math.ts',
    `/** Doubles. */\nexport function twice(x: number): number {\n  return 2 * x;\n}\nexport const unused = 1;\n`,
  );
  write(
    'layers/helpers.ts',
    `import * as tfjs from '@tensorflow/tfjs';\nimport { twice as double } from '../shared/math.js';\n` +
      `export type Args = { name: string };\n` +
      `export function scaled(x: tfjs.Tensor): tfjs.Tensor {\n  return tfjs.mul(x, double(3));\n}\n` +
      `export function notNeeded(): number {\n  return 0;\n}\n`,
  );
  write(
    'layers/times.ts',
    `import * as tf from '@tensorflow/tfjs';\nimport { scaled, type Args } from './helpers.js';\n` +
      `/** Multiplies by 6. */\nexport class Times extends tf.layers.Layer {\n  static readonly className = 'NetcTimes';\n` +
      `  constructor(args: Args) {\n    super(args);\n  }\n` +
      `  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {\n    return scaled(Array.isArray(x) ? x[0] : x);\n  }\n}\n` +
      `tf.serialization.registerClass(Times);\n`,
  );
  write(
    'layers/bad.ts',
    `import * as tf from '@tensorflow/tfjs';\nimport { pad } from 'left-pad';\n` +
      `export class Bad extends tf.layers.Layer {\n  static readonly className = 'Bad';\n  f() {\n    return pad;\n  }\n}\n`,
  );
  write('layers/index.ts', `export { Times } from './times.js';\n`);
  const library = new LayerLibrary(lib, root);

  it('finds the registered classes (index.ts aside)', () => {
    expect([...library.classes.keys()].sort()).toEqual(['Bad', 'NetcTimes']);
    expect(library.classes.get('NetcTimes')).toMatchObject({
      name: 'Times',
      file: 'layers/times.ts',
    });
  });

  it('embeds what a class reaches, dependencies first, imports resolved and renamed', () => {
    const e = library.embed(['NetcTimes']);
    expect(e.names).toEqual(['Args', 'twice', 'scaled', 'Times']);
    expect(e.files).toEqual(['layers/helpers.ts', 'layers/times.ts', 'shared/math.ts']);
    expect(e.text).not.toMatch(/\bimport\b|notNeeded|unused|tfjs|double/);
    expect(e.text).toContain('/** Doubles. */\nfunction twice(x: number): number {');
    expect(e.text).toContain('return tf.mul(x, twice(3));');
    expect(e.text).toContain('export type Args = { name: string };');
    expect(e.text).toMatch(/\n}\n\ntf\.serialization\.registerClass\(Times\);$/);
  });

  it('refuses code that imports other packages', () => {
    expect(() => library.embed(['Bad'])).toThrow(
      /may import only @tensorflow\/tfjs and relative files, not 'left-pad'/,
    );
  });

  it('refuses unknown classes', () => {
    expect(() => library.embed(['Nope'])).toThrow(/no netc layer class 'Nope'/);
  });
});

describe('lowerGraph (recording the registry lowerings)', () => {
  it('gives the factory or class and the config the interpreter would use', () => {
    const graph = chainGraph(
      [8, 8, 4],
      [
        ['conv2d', { filters: 4, kernel_size: 3, groups: 2 }],
        ['conv2d', { filters: 2, kernel_size: 1, activation: 'hard_sigmoid' }],
        ['global_avg_pool2d', {}],
      ],
    );
    const lowered = lowerGraph(graph, layerNames(graph.nodes));
    expect(lowered.map((l) => l.layer)).toEqual([
      {
        kind: 'tfjs',
        factory: 'inputLayer',
        config: { name: 'x', batchInputShape: [null, 8, 8, 4] },
      },
      expect.objectContaining({
        kind: 'custom',
        className: 'NetcConv',
        config: expect.objectContaining({ name: 'net.conv2d_0', groups: 2 }),
      }),
      expect.objectContaining({
        kind: 'tfjs',
        factory: 'conv2d',
        config: expect.objectContaining({ activation: 'netc_hard_sigmoid' }),
      }),
      {
        kind: 'tfjs',
        factory: 'globalAveragePooling2d',
        config: { name: 'net.global_avg_pool2d_2' },
      },
    ]);
    expect(lowered[2].activations).toEqual([{ name: 'hard_sigmoid', id: 'netc_hard_sigmoid' }]);
  });
});

describe('defaultModulePath', () => {
  it('puts the module next to the source; one per model when a file has several', () => {
    expect(defaultModulePath('a/b/net.net', 'm', 1)).toBe(join('a/b', 'net.ts'));
    expect(defaultModulePath('a/b/net.net', 'm', 2)).toBe(join('a/b', 'net.m.ts'));
    expect(defaultModulePath('model.txt', 'm', 1)).toBe('model.txt.ts');
  });
});
