/**
 * What training minimises and reports, per model output: the loss function in the form the
 * output calls for (`chooseLossForm`), the metric functions, and the names of the logged values
 * in the order tfjs's `trainOnBatch` returns them.
 */
import type { Graph } from '../../compiler/ir/graph.js';
import {
  accuracyFunction,
  chooseLossForm,
  lossFunction,
  type LossChoice,
  type LossFn,
} from './losses.js';
import type { LossName, MetricName, OutputKind } from './names.js';

/** The loss and metrics of every output. */
export interface Objective {
  readonly loss: LossName;
  /** Per output, in graph order. */
  readonly choices: readonly LossChoice[];
  readonly lossFns: readonly LossFn[];
  /** Per output, the metric functions (each named as it is logged: `acc`). */
  readonly metricFns: readonly (readonly LossFn[])[];
  /**
   * The logged names, as tfjs orders them: `loss`, then with several outputs each output's
   * `NAME_loss`, then each output's metrics (`acc`, or `NAME_acc` with several outputs).
   */
  readonly names: readonly string[];
}

/** The objective for `loss` on `graph`'s outputs; `outputKind` overrides the choice of form. */
export function makeObjective(
  graph: Graph,
  loss: LossName,
  metrics: readonly MetricName[] = [],
  outputKind?: OutputKind,
): Objective {
  const choices = graph.outputs.map((p) => chooseLossForm(graph, p, loss, outputKind));
  const lossFns = choices.map((c) => lossFunction(loss, c.form));
  const metricFns = graph.outputs.map((p, i) => {
    const units = p.shape[p.shape.length - 1];
    return metrics.map(() =>
      accuracyFunction(loss, choices[i].form, typeof units === 'number' ? units : 0),
    );
  });
  const several = graph.outputs.length > 1;
  const prefix = (i: number) => (several ? `${graph.outputs[i].name}_` : '');
  const names = [
    'loss',
    ...(several ? graph.outputs.map((_, i) => `${prefix(i)}loss`) : []),
    ...graph.outputs.flatMap((_, i) => metrics.map(() => `${prefix(i)}acc`)),
  ];
  return { loss, choices, lossFns, metricFns, names };
}
