/**
 * The classification report of `netc eval`: from the true and predicted class of every
 * example (evaluate.ts with `classes`), the accuracy, each class's examples, correct
 * predictions and accuracy (its recall), how often it was predicted, and the confusion matrix
 * (rows: the true class, columns: the predicted one). Plain arithmetic, no TensorFlow.js.
 */

/** One class's figures. */
export interface ClassFigures {
  readonly class: number;
  /** Examples of this class. */
  readonly examples: number;
  /** Of those, predicted as this class. */
  readonly correct: number;
  /** correct / examples (NaN for a class with no examples). */
  readonly accuracy: number;
  /** Examples predicted as this class, of any true class. */
  readonly predicted: number;
}

export interface ClassificationReport {
  readonly classes: number;
  readonly examples: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly perClass: readonly ClassFigures[];
  /** `confusion[t][p]`: examples of true class t predicted as p. */
  readonly confusion: readonly (readonly number[])[];
}

/** The report of `classes` classes from the true and predicted class of each example. */
export function classificationReport(
  classes: number,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ClassificationReport {
  if (actual.length !== predicted.length)
    throw new RangeError(`${actual.length} true classes but ${predicted.length} predictions`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const [t, p] = [actual[i], predicted[i]];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes))
      throw new RangeError(`example ${i}: class ${t} or prediction ${p} not in [0, ${classes})`);
    confusion[t][p]++;
  }
  const perClass = confusion.map((row, c) => {
    const examples = row.reduce((a, b) => a + b, 0);
    return {
      class: c,
      examples,
      correct: row[c],
      accuracy: examples > 0 ? row[c] / examples : NaN,
      predicted: confusion.reduce((s, r) => s + r[c], 0),
    };
  });
  const correct = perClass.reduce((s, c) => s + c.correct, 0);
  const examples = actual.length;
  return {
    classes,
    examples,
    correct,
    accuracy: examples > 0 ? correct / examples : NaN,
    perClass,
    confusion,
  };
}

/** The report as text for a terminal: the per-class table, then the confusion matrix. */
export function renderReport(r: ClassificationReport, label = 'class'): string[] {
  const lines: string[] = [];
  const w = Math.max(label.length, String(r.classes - 1).length, 5);
  const cols = ['examples', 'correct', 'accuracy', 'predicted'];
  lines.push([label.padStart(w), ...cols].join('  '));
  for (const c of r.perClass) {
    const acc = Number.isNaN(c.accuracy) ? '-' : c.accuracy.toFixed(4);
    lines.push(
      [
        String(c.class).padStart(w),
        String(c.examples).padStart(cols[0].length),
        String(c.correct).padStart(cols[1].length),
        acc.padStart(cols[2].length),
        String(c.predicted).padStart(cols[3].length),
      ].join('  '),
    );
  }
  lines.push('');
  lines.push('confusion matrix (rows: true class, columns: predicted class)');
  const cell = Math.max(
    3,
    ...r.confusion.flat().map((n) => String(n).length),
    String(r.classes - 1).length,
  );
  const head = 'true\\pred';
  lines.push([head, ...r.perClass.map((c) => String(c.class).padStart(cell))].join(' '));
  r.confusion.forEach((row, t) =>
    lines.push(
      [String(t).padStart(head.length), ...row.map((n) => String(n).padStart(cell))].join(' '),
    ),
  );
  return lines;
}
