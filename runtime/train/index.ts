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
export {
  createOptimizer,
  AdamW,
  OPTIMIZER_NAMES,
  type OptimizerName,
  type OptimizerSpec as TrainingOptimizerSpec,
  type TrainingOptimizer,
} from './optimizers.js';
export {
  learningRateAt,
  parseSchedule,
  parseWarmup,
  describePlan,
  type LrPlan,
  type Schedule,
  type Warmup,
} from './schedules.js';
export {
  CHECKPOINT_FILE,
  CheckpointError,
  readCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  type Checkpoint,
  type CheckpointState,
  type EpochRecord,
} from './checkpoint.js';
export {
  EarlyStopping,
  parseEarlyStop,
  type EarlyStopSpec,
  type EarlyStopState,
} from './early-stopping.js';
export {
  checkpointHook,
  earlyStoppingHook,
  logHook,
  recordHook,
  scheduleHook,
  type CheckpointPlan,
  type EarlyStoppingHook,
} from './callbacks.js';
export { FreezeError, freezeLayers, frozenNodes, type Frozen } from './freeze.js';
export { renderJsonl, renderCsv, writeTrainingLog } from './training-log.js';
export { renderCurves, type CurveRecord } from './curves-svg.js';
export {
  classificationReport,
  renderReport,
  type ClassificationReport,
  type ClassFigures,
} from './classification-report.js';
