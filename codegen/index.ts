import { basename, dirname, join } from 'node:path';

export { generateModule, type GenerateOptions } from './generate.js';
export { LayerLibrary, layerLibrary, type Embedded, type LayerClass } from './embed.js';
export { lowerGraph, type LayerCall, type LoweredNode } from './lowering.js';

/**
 * Where the module of `model` goes by default: next to the source, `x.net` -> `x.ts` when the
 * file defines one model, `x.<model>.ts` when it defines several (whether or not `--model`
 * picks one), so every model of a file has its own module and its own fixed path.
 */
export function defaultModulePath(sourcePath: string, model: string, modelsInFile: number): string {
  const stem = basename(sourcePath).replace(/\.net$/, '');
  return join(dirname(sourcePath), modelsInFile > 1 ? `${stem}.${model}.ts` : `${stem}.ts`);
}
