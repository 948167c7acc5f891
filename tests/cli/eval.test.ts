/**
 * `netc eval`: on a model trained by `netc train`, the JSON report's loss, accuracy, per-class
 * figures and confusion matrix equal those recomputed here from the model's own predictions
 * (the API's predict, softmax cross-entropy and argmax in float64); the text report shows the
 * same table; the loss follows the targets; bad data is a located error with exit 1, a
 * missing file exit 2.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildModel, loadWeights } from '../../api/index.js';
import { graphOf, netc, predict, pseudoRandom, tempDir, writeArray, writeText } from './helpers.js';

const dir = tempDir();
const source = writeText(
  dir,
  'mlp.net',
  `model mlp(x: [5]) {
  return logits: x |> dense(6, activation: "relu") |> dense(3)
}
`,
);
const N = 30;
const noise = pseudoRandom(N * 5, 3);
const labels = Array.from({ length: N }, (_, i) => (i * 7) % 3);
const xData = Array.from({ length: N * 5 }, (_, k) => {
  const [i, j] = [Math.floor(k / 5), k % 5];
  return (j === labels[i] ? 1 : 0) + 0.8 * noise[k];
});
const x = await writeArray(dir, 'x.npy', [N, 5], xData);
const y = await writeArray(dir, 'y.npy', [N], labels);
const oneHot = await writeArray(
  dir,
  'y1.npy',
  [N, 3],
  labels.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))),
);
const weights = join(dir, 'w.safetensors');
const trained = await netc([
  'train',
  source,
  '--x',
  x,
  '--y',
  y,
  '--loss',
  'sparse_categorical_crossentropy',
  '--epochs',
  '2',
  '--lr',
  '0.05',
  '--seed',
  '1',
  '--save',
  weights,
  '--backend',
  'cpu',
]);

interface Report {
  examples: number;
  loss_function: string;
  loss: number;
  outputs: {
    name: string;
    classes: number;
    accuracy: number;
    correct: number;
    per_class: { class: number; examples: number; correct: number; accuracy: number | null }[];
    confusion: number[][];
  }[];
}

describe('netc eval', () => {
  it('the JSON report equals a recomputation from the predictions', async () => {
    expect(trained.code, trained.stderr).toBe(0);
    const r = await netc([
      'eval',
      source,
      '--weights',
      weights,
      '--x',
      x,
      '--y',
      y,
      '--format',
      'json',
      '--backend',
      'cpu',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;

    const graph = graphOf(source);
    const model = buildModel(graph);
    await loadWeights(model, graph, weights);
    const logits = predict(model, [N, 5], xData);
    model.dispose();
    let loss = 0;
    const confusion = [0, 1, 2].map(() => [0, 0, 0]);
    for (let i = 0; i < N; i++) {
      const row = logits.slice(i * 3, i * 3 + 3);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      loss += (lse - row[labels[i]]) / N;
      confusion[labels[i]][row.indexOf(max)]++;
    }
    const correct = confusion.reduce((s, row, c) => s + row[c], 0);
    expect(report.examples).toBe(N);
    expect(report.loss_function).toBe('sparse_categorical_crossentropy');
    expect(report.loss).toBeCloseTo(loss, 5);
    const out = report.outputs[0];
    expect(out.confusion).toEqual(confusion);
    expect(out.correct).toBe(correct);
    expect(out.accuracy).toBe(correct / N);
    expect(out.per_class).toEqual(
      confusion.map((row, c) => ({
        class: c,
        examples: row[0] + row[1] + row[2],
        correct: row[c],
        accuracy: row[c] / (row[0] + row[1] + row[2]),
        predicted: confusion[0][c] + confusion[1][c] + confusion[2][c],
      })),
    );

    // One-hot targets: categorical cross-entropy, the same figures.
    const hot = await netc([
      'eval',
      source,
      '--weights',
      weights,
      '--x',
      x,
      '--y',
      oneHot,
      '--format',
      'json',
      '--backend',
      'cpu',
    ]);
    const h = JSON.parse(hot.stdout) as Report;
    expect(h.loss_function).toBe('categorical_crossentropy');
    expect(h.loss).toBeCloseTo(loss, 5);
    expect(h.outputs[0].confusion).toEqual(confusion);

    // The text report: the same accuracy and the matrix rows.
    const text = await netc([
      'eval',
      source,
      '--weights',
      weights,
      '--x',
      x,
      '--y',
      y,
      '--backend',
      'cpu',
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`accuracy ${(correct / N).toFixed(4)} (${correct} of ${N})`);
    expect(text.stdout).toContain('confusion matrix (rows: true class, columns: predicted class)');
    for (const [t, row] of confusion.entries()) {
      expect(text.stdout).toMatch(new RegExp(`^ +${t} +${row.join(' +')}$`, 'm'));
    }
  });

  it('bad data: located errors, exit 1; a missing file: exit 2', async () => {
    const wide = await writeArray(dir, 'x-wide.npy', [N, 6], new Array(N * 6).fill(0));
    const bad = await writeArray(
      dir,
      'y-bad.npy',
      [N],
      labels.map((c, i) => (i === 4 ? 5 : c)),
    );
    const short = await writeArray(dir, 'y-short.npy', [N - 2], labels.slice(2));
    const other = writeText(
      dir,
      'other.net',
      'model other(x: [5]) {\n  return y: x |> dense(3)\n}\n',
    );
    const cases: [string[], string, number][] = [
      [
        [source, '--x', wide, '--y', y],
        `input 'x' expects [batch, 5], found [${N}, 6] from ${wide}`,
        1,
      ],
      [
        [source, '--x', x, '--y', bad, '--loss', 'sparse_categorical_crossentropy'],
        `target 'logits' from ${bad}: value 5 at index 4 is not a class index in [0, 3)`,
        1,
      ],
      [
        [source, '--x', x, '--y', short],
        `${N} examples in the inputs (${x}) but ${N - 2} targets in ${short}`,
        1,
      ],
      [[other, '--x', x, '--y', y], 'dense_0', 1],
      [[source, '--x', join(dir, 'none.npy'), '--y', y], 'none.npy', 2],
    ];
    for (const [args, message, code] of cases) {
      const r = await netc([
        'eval',
        ...args.slice(0, 1),
        '--weights',
        weights,
        ...args.slice(1),
        '--backend',
        'cpu',
      ]);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    const usage = await netc(['eval', source, '--x', x, '--y', y]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--weights <PATH>' not specified");
  });
});
