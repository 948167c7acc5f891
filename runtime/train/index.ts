/** Training and evaluation on TensorFlow.js: the loop, the losses, the data and the metrics. */
export {
  fit,
  makeOptimizer,
  type BatchLogs,
  type FitOptions,
  type FitResult,
  type HookResult,
  type OptimizerSpec,
  type Stopped,
  type TrainContext,
  type TrainHooks,
} from './fit.js';
export {
  evaluateModel,
  type EvaluateOptions,
  type Evaluation,
  type Logs,
  type OutputClasses,
} from './evaluate.js';
export {
  accuracyFunction,
  binaryFromLogits,
  binaryFromProbabilities,
  categoricalFromLogits,
  categoricalFromProbabilities,
  chooseLossForm,
  lossFunction,
  meanSquaredError,
  type LossChoice,
  type LossFn,
  type LossForm,
} from './losses.js';
export { makeObjective, type Objective } from './objective.js';
export {
  LOSSES,
  METRICS,
  OUTPUT_KINDS,
  type LossName,
  type MetricName,
  type OutputKind,
} from './names.js';
export { epochOrder, gatherBatch, gatherOneHot, type ExampleArray } from './batches.js';
export type { TrainData } from './data.js';
export {
  movingStatsWarmup,
  warmupNote,
  WARMUP_LIMIT,
  type MovingStatsWarmup,
} from './bn-warmup.js';
