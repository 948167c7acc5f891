/** The classification report on a hand-counted case, and its text layout. */
import { describe, expect, it } from 'vitest';
import {
  classificationReport,
  renderReport,
} from '../../../runtime/train/classification-report.js';

describe('classificationReport', () => {
  // True 0 0 0 1 1 2 2 2 2 (class 3 has no examples); predicted 0 1 0 1 1 2 0 2 3.
  const r = classificationReport(4, [0, 0, 0, 1, 1, 2, 2, 2, 2], [0, 1, 0, 1, 1, 2, 0, 2, 3]);

  it('counts by hand', () => {
    expect(r.confusion).toEqual([
      [2, 1, 0, 0],
      [0, 2, 0, 0],
      [1, 0, 2, 1],
      [0, 0, 0, 0],
    ]);
    expect(r.correct).toBe(6);
    expect(r.accuracy).toBe(6 / 9);
    expect(r.perClass.map((c) => [c.examples, c.correct, c.predicted])).toEqual([
      [3, 2, 3],
      [2, 2, 3],
      [4, 2, 2],
      [0, 0, 1],
    ]);
    expect(r.perClass.map((c) => c.accuracy)).toEqual([2 / 3, 1, 0.5, NaN]);
    expect(() => classificationReport(2, [0, 2], [0, 1])).toThrow(/example 1/);
  });

  it('renders a per-class table and the matrix', () => {
    expect(renderReport(r)).toEqual([
      'class  examples  correct  accuracy  predicted',
      '    0         3        2    0.6667          3',
      '    1         2        2    1.0000          3',
      '    2         4        2    0.5000          2',
      '    3         0        0         -          1',
      '',
      'confusion matrix (rows: true class, columns: predicted class)',
      'true\\pred   0   1   2   3',
      '        0   2   1   0   0',
      '        1   0   2   0   0',
      '        2   1   0   2   1',
      '        3   0   0   0   0',
    ]);
  });
});
