/**
 * `netc eval`: a model with trained weights on `.npy` data, in inference mode, one batch at a
 * time (runtime/train/evaluate.ts): the loss, and for classifiers the accuracy, per-class
 * figures and the confusion matrix (runtime/train/classification-report.ts), as text or JSON.
 * The loss follows the targets unless given: class indices, one-hot rows, 0/1 for one unit.
 * Its table is in model-args.ts, which imports this module lazily (it loads TensorFlow.js).
 */
import { escapeJson, escapeText } from '../../compiler/util/escape.js';
import type { GraphPort } from '../../compiler/ir/graph.js';
import { buildModel } from '../../runtime/build-model.js';
import {
  classificationReport,
  renderReport,
  type ClassificationReport,
} from '../../runtime/train/classification-report.js';
import { evaluateModel } from '../../runtime/train/evaluate.js';
import type { NpyExamples } from '../../io/npy.js';
import { memoryError } from '../errors.js';
import type { Output } from '../io.js';
import type { EvalOptions, Loss } from './model-args.js';
import {
  bindPorts,
  compileModel,
  inputsFit,
  startBackend,
  type BoundArray,
} from './model-support.js';
import type { NamedPath } from './output-paths.js';
import { describeLoss, examples, readData } from './train.js';
import { loadWeightsFrom } from './weights.js';

/**
 * The loss for targets `y` of output `port` when none is given: class indices (the output's
 * shape without its class dim, or with 1 there) sparse categorical; one-hot rows categorical;
 * 0/1 values for a one-unit output binary; anything else mse.
 */
export function lossForTargets(port: GraphPort, y: BoundArray<NpyExamples>): Loss {
  const shape = y.array.shape.slice(1);
  const out = port.shape;
  const units = out[out.length - 1];
  const sameRank = shape.length === out.length;
  if (typeof units === 'number' && units >= 2) {
    const indices = shape.length === out.length - 1 || (sameRank && shape[shape.length - 1] === 1);
    if (indices) return 'sparse_categorical_crossentropy';
    if (sameRank && shape[shape.length - 1] === units) return 'categorical_crossentropy';
  }
  if (units === 1 && y.array.data.every((v) => v === 0 || v === 1)) return 'binary_crossentropy';
  return 'mse';
}

interface OutputReport {
  readonly name: string;
  readonly report: ClassificationReport | null;
}

/** The figure `key` of an output in the logs (`acc`, or `NAME_acc` with several outputs). */
const figure = (logs: Record<string, number>, key: string, name: string, several: boolean) =>
  logs[several ? `${name}_${key}` : key];

export async function execEval(o: EvalOptions, io: Output): Promise<number> {
  const sources: NamedPath[] = [];
  const graph = compileModel(io, o.file, o.model, sources);
  if (!graph) return 1;
  const xBound = bindPorts('x', 'input', graph.inputs, o.x, true);
  const yBound = bindPorts('y', 'output', graph.outputs, o.y, true);
  const data = await readData(
    graph,
    o.loss ?? ((ys) => lossForTargets(ys[0].port, ys[0])),
    xBound,
    yBound,
  );
  if (!inputsFit(io, graph, data.xs)) return 1;
  const loss = data.loss;
  const backend = await startBackend(o.backend, o.threads);
  const model = buildModel(graph);
  try {
    await loadWeightsFrom(model, graph, o.weights);
    const classifier = loss !== 'mse';
    const r = evaluateModel(
      model,
      graph,
      { x: examples(data.xs, o.xScale?.value), y: examples(data.ys) },
      {
        loss,
        metrics: classifier ? ['accuracy'] : [],
        outputKind: o.outputKind,
        batchSize: o.batchSize,
        classes: true,
      },
    );
    const several = graph.outputs.length > 1;
    const outputs: OutputReport[] = graph.outputs.map((p, i) => {
      const c = r.classes?.[i];
      return {
        name: p.name,
        report: c ? classificationReport(c.classes, c.actual, c.predicted) : null,
      };
    });
    if (o.format === 'json') {
      const json = {
        model: graph.name,
        weights: o.weights,
        examples: data.n,
        loss_function: loss,
        loss_form: r.objective.choices.map((c) => c.form),
        x_scale: o.xScale?.text ?? null,
        loss: r.logs.loss,
        outputs: outputs.map((out) => ({
          name: out.name,
          ...(several ? { loss: r.logs[`${out.name}_loss`] } : {}),
          ...(out.report
            ? {
                classes: out.report.classes,
                accuracy: out.report.accuracy,
                correct: out.report.correct,
                per_class: out.report.perClass.map((c) => ({
                  ...c,
                  accuracy: Number.isNaN(c.accuracy) ? null : c.accuracy,
                })),
                confusion: out.report.confusion,
              }
            : {}),
        })),
      };
      io.out(escapeJson(JSON.stringify(json, null, 2)));
      return 0;
    }
    io.out(
      `model    ${graph.name} (${escapeText(o.file)}) on ${backend}, weights from ${escapeText(o.weights)}`,
    );
    const scale = o.xScale ? `, inputs x ${o.xScale.text}` : '';
    io.out(
      `data     ${data.n} examples${scale}, ${escapeText(describeLoss({ loss, outputKind: o.outputKind }, r.objective.choices))}`,
    );
    io.out(`loss     ${r.logs.loss.toFixed(4)}`);
    for (const out of outputs) {
      const prefix = several ? `'${escapeText(out.name)}' ` : '';
      if (several) io.out(`${prefix}loss ${figure(r.logs, 'loss', out.name, true).toFixed(4)}`);
      if (!out.report) continue;
      const rep = out.report;
      io.out(
        `${prefix}accuracy ${rep.accuracy.toFixed(4)} (${rep.correct} of ${rep.examples}${rep.examples === data.n ? '' : ' positions'})`,
      );
      io.out('');
      for (const line of renderReport(rep)) io.out(line);
    }
    return 0;
  } catch (e) {
    throw memoryError(e, o.backend, `evaluating model ${graph.name} (batch ${o.batchSize})`);
  } finally {
    model.dispose();
  }
}
