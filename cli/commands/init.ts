/**
 * `netc init`: freshly initialised, deterministic weights saved to a file. Its table is in
 * model-args.ts, which imports this module lazily, since it loads TensorFlow.js.
 */
import { escapeText } from '../../compiler/util/escape.js';
import { buildModel } from '../../runtime/build-model.js';
import type { Output } from '../io.js';
import type { InitOptions } from './model-args.js';
import { compileModel, duration, startBackend } from './model-support.js';
import type { NamedPath } from './output-paths.js';
import { checkSavePath, saveWeightsTo } from './weights.js';

export async function execInit(o: InitOptions, io: Output): Promise<number> {
  const start = performance.now();
  const sources: NamedPath[] = [];
  const graph = compileModel(io, o.file, o.model, sources);
  if (!graph) return 1;
  await checkSavePath(o.save, sources);
  await startBackend(o.backend);
  const model = buildModel(graph, { seed: o.seed });
  try {
    const format = await saveWeightsTo(model, graph, o.save);
    const params = model.countParams().toLocaleString('en-US');
    io.out(
      `saved    ${model.weights.length} weights (${params} params) of ${graph.name}, seed ${o.seed}, to ${escapeText(o.save)} (${format}) in ${duration(performance.now() - start)}`,
    );
    return 0;
  } finally {
    model.dispose();
  }
}
