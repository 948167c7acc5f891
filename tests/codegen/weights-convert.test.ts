/**
 * `netc weights convert FILE IN OUT [--fold]`: safetensors <-> tfjs folder round trips are bit
 * for bit (whole files), folded or not; `--fold` gives exactly the file `netc compile --optimize
 * --weights` writes beside its module; IN that does not fit the model, a bad action, IN = OUT
 * and unreadable files are refused (exit 1 / 2) without writing anything.
 */
import { shardOf } from '../io/tfjs-shards.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../runtime/build-model.js';
import { saveWeights } from '../../runtime/weights-files.js';
import { netc, tempDir } from '../cli/helpers.js';
import { randomize, useBackend } from '../runtime/helpers.js';
import { graphOf, samplesDir, scratchDir } from './helpers.js';

const lenet = join(samplesDir, 'lenet_bn.net');
const mlp = join(samplesDir, 'mlp_mnist.net');
const dir = tempDir();
const W = join(dir, 'w.safetensors');
const FOLDER = join(dir, 'w');
const at = (name: string) => join(dir, name);
const bytes = (path: string) => readFileSync(path);

async function convert(...args: string[]): Promise<void> {
  const r = await netc(['weights', 'convert', lenet, ...args]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^wrote /);
}

beforeAll(async () => {
  await useBackend('wasm');
  const graph = graphOf(lenet);
  const model = buildModel(graph, { seed: 4 });
  randomize(model);
  await saveWeights(model, graph, W);
  await saveWeights(model, graph, FOLDER);
  model.dispose();
}, 60_000);

describe('netc weights convert', () => {
  it('safetensors -> tfjs folder -> safetensors gives the same file, byte for byte', async () => {
    await convert(W, at('t1'));
    const shard = shardOf(at('t1'));
    expect(readdirSync(at('t1')).sort()).toEqual(['model.json', shard.name].sort());
    await convert(at('t1'), at('back.safetensors'));
    expect(bytes(at('back.safetensors')).equals(bytes(W))).toBe(true);
  });

  it('tfjs folder -> safetensors -> tfjs folder keeps the shard and the manifest', async () => {
    await convert(FOLDER, at('s1.safetensors'));
    expect(bytes(at('s1.safetensors')).equals(bytes(W))).toBe(true);
    await convert(at('s1.safetensors'), at('t2'));
    expect(shardOf(at('t2')).bytes.equals(shardOf(FOLDER).bytes)).toBe(true);
    const json = (p: string) => JSON.parse(readFileSync(join(p, 'model.json'), 'utf8'));
    expect(json(at('t2')).weightsManifest).toEqual(json(FOLDER).weightsManifest);
    expect(json(at('t2')).userDefinedMetadata).toEqual(json(FOLDER).userDefinedMetadata);
  });

  it('--fold writes exactly what netc compile --optimize --weights writes', async () => {
    const out = scratchDir();
    const r = await netc(['compile', lenet, '--optimize', '--weights', W, '-o', join(out, 'm.ts')]);
    expect(r.code, r.stderr).toBe(0);
    const compiled = bytes(join(out, 'm.weights.safetensors'));
    await convert(W, at('f.safetensors'), '--fold');
    expect(bytes(at('f.safetensors')).equals(compiled)).toBe(true);
    // From the tfjs folder too, and folded weights convert between formats as they are.
    await convert(FOLDER, at('ft'), '--fold');
    await convert(at('ft'), at('f2.safetensors'));
    expect(bytes(at('f2.safetensors')).equals(compiled)).toBe(true);
    await convert(at('f.safetensors'), at('f3.safetensors'), '--fold');
    expect(bytes(at('f3.safetensors')).equals(compiled)).toBe(true);
  });

  it('refuses weights of another model (exit 1) and usage or file errors (exit 2), writing nothing', async () => {
    const other = join(dir, 'mlp.safetensors');
    const init = await netc(['init', mlp, '--seed', '1', '--save', other]);
    expect(init.code, init.stderr).toBe(0);
    const cases: [string[], number, RegExp][] = [
      [
        ['convert', lenet, other, at('x1.safetensors')],
        1,
        /mlp\.safetensors: weights do not match the model:\n  missing \(20\)/,
      ],
      [['convert', lenet, W], 2, /takes FILE IN OUT, got 2 operands/],
      [['show', lenet, W, at('x2')], 2, /unknown action 'show'/],
      [['convert', lenet, W, W], 2, /OUT is IN/],
      [['convert', lenet, at('none.safetensors'), at('x3')], 2, /none\.safetensors/],
      [['convert', lenet, lenet, at('x4.safetensors')], 2, /lenet_bn\.net/],
    ];
    for (const [args, code, message] of cases) {
      const r = await netc(['weights', ...args]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    for (const x of ['x1.safetensors', 'x2', 'x3', 'x4.safetensors'])
      expect(existsSync(at(x))).toBe(false);
  });
});
