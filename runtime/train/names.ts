/**
 * The names training takes (losses, output kinds, metrics), free of TensorFlow.js so that the
 * CLI's option tables can list them without loading it.
 */

/** The losses training takes (Keras names). */
export const LOSSES = [
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'binary_crossentropy',
  'mse',
] as const;
export type LossName = (typeof LOSSES)[number];

/** What a model output holds, for the cross-entropies. */
export const OUTPUT_KINDS = ['logits', 'probabilities'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** The metrics training can report. */
export const METRICS = ['accuracy'] as const;
export type MetricName = (typeof METRICS)[number];
