/**
 * The loss and metrics of a model on data, in inference mode (moving batch-norm statistics,
 * no dropout), one batch at a time; optionally the predicted and true class of every example
 * for the classification report (`classification-report.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import { batchRanges } from './batches.js';
import { exampleCount, inputTensors, range, targetTensors, type TrainData } from './data.js';
import { isCategorical } from './losses.js';
import type { LossName, OutputKind } from './names.js';
import { makeObjective, type Objective } from './objective.js';
import type { MetricName } from './names.js';

/** Logged values by name (`loss`, `acc`, `val_loss`...). */
export type Logs = Record<string, number>;

/** The classes of one output: true and predicted, one per example (and position). */
export interface OutputClasses {
  /** The class count (2 for a one-unit binary output). */
  readonly classes: number;
  readonly actual: Int32Array;
  readonly predicted: Int32Array;
}

export interface EvaluateOptions {
  readonly loss: LossName;
  readonly metrics?: readonly MetricName[];
  readonly outputKind?: OutputKind;
  /** Examples per batch (default 32). */
  readonly batchSize?: number;
  /** The examples to evaluate (default: all), in order. */
  readonly indices?: ArrayLike<number>;
  /** Also return each classifier output's true and predicted classes. */
  readonly classes?: boolean;
}

export interface Evaluation {
  readonly logs: Logs;
  readonly objective: Objective;
  /** Per output (with `classes`): null for an output that is not a classifier (mse). */
  readonly classes?: readonly (OutputClasses | null)[];
}

/** The class of each row of `values` (last axis `units`): argmax, or for one unit `> threshold`. */
function rowClasses(values: ArrayLike<number>, units: number, threshold: number): Int32Array {
  const rows = values.length / units;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    if (units === 1) {
      out[r] = values[r] > threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let k = 1; k < units; k++) if (values[r * units + k] > values[r * units + best]) best = k;
    out[r] = best;
  }
  return out;
}

/** Evaluates `model` (built from `graph`) on `data`; see `EvaluateOptions`. */
export function evaluateModel(
  model: tf.LayersModel,
  graph: Graph,
  data: TrainData,
  options: EvaluateOptions,
  objective: Objective = makeObjective(graph, options.loss, options.metrics, options.outputKind),
): Evaluation {
  const indices = options.indices ?? range(0, exampleCount(graph, data));
  const n = indices.length;
  const sums = new Float64Array(objective.names.length);
  const outputs = graph.outputs.length;
  // Classifiers: a categorical loss on a known class count, or binary on one unit.
  const classifier = (i: number) => {
    const units = graph.outputs[i].shape.at(-1);
    if (typeof units !== 'number') return false;
    return isCategorical(options.loss) || (options.loss === 'binary_crossentropy' && units === 1);
  };
  const parts: { actual: Int32Array[]; predicted: Int32Array[] }[] = graph.outputs.map(() => ({
    actual: [],
    predicted: [],
  }));
  for (const [start, end] of batchRanges(n, options.batchSize ?? 32)) {
    const batch = Array.prototype.slice.call(indices, start, end) as number[];
    const predictions: tf.Tensor[] = [];
    const targets: tf.Tensor[] = [];
    const scalars = tf.tidy(() => {
      const x = inputTensors(data, batch);
      const y = targetTensors(graph, data, batch, options.loss);
      const p = model.predict(x.length === 1 ? x[0] : x);
      const preds = Array.isArray(p) ? p : [p];
      const losses = preds.map((q, i) => tf.mean(objective.lossFns[i](y[i], q)));
      const metrics = preds.flatMap((q, i) =>
        objective.metricFns[i].map((f) => tf.mean(f(y[i], q))),
      );
      const total = losses.reduce((a, b) => tf.add(a, b));
      if (options.classes) {
        predictions.push(...preds.map((q) => tf.keep(q)));
        targets.push(...y.map((t) => tf.keep(t)));
      }
      return tf.stack([total, ...(outputs > 1 ? losses : []), ...metrics]);
    });
    scalars.dataSync().forEach((v, k) => (sums[k] += v * batch.length));
    const classData = predictions.map((q, i) =>
      classifier(i) ? [targets[i].dataSync(), q.dataSync()] : null,
    );
    tf.dispose([scalars, ...predictions, ...targets]);
    classData.forEach((pair, i) => {
      if (!pair) return;
      const units = graph.outputs[i].shape.at(-1) as number;
      const threshold = objective.choices[i].form === 'logits' ? 0 : 0.5;
      parts[i].actual.push(rowClasses(pair[0], units, 0.5));
      parts[i].predicted.push(rowClasses(pair[1], units, threshold));
    });
  }
  const logs: Logs = {};
  objective.names.forEach((name, k) => (logs[name] = n > 0 ? sums[k] / n : NaN));
  if (!options.classes) return { logs, objective };
  const join = (list: Int32Array[]) => {
    const out = new Int32Array(list.reduce((s, a) => s + a.length, 0));
    let at = 0;
    for (const a of list) out.set(a, (at += a.length) - a.length);
    return out;
  };
  const classes = graph.outputs.map((p, i) => {
    if (!classifier(i)) return null;
    const units = p.shape.at(-1) as number;
    return {
      classes: units === 1 ? 2 : units,
      actual: join(parts[i].actual),
      predicted: join(parts[i].predicted),
    };
  });
  return { logs, objective, classes };
}
