/** The per-epoch training log in JSON Lines and CSV. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  logColumns,
  logFormat,
  renderCsv,
  renderJsonl,
  writeTrainingLog,
  type LogRecord,
} from '../../../runtime/train/training-log.js';

const records: LogRecord[] = [
  {
    epoch: 1,
    seconds: 1.5,
    lr: 0.1,
    val_acc: 0.5,
    loss: 2,
    acc: 0.25,
    val_loss: NaN,
    examples_per_second: 640,
  },
  {
    epoch: 2,
    lr: 0.05,
    loss: 1,
    acc: 0.5,
    val_loss: 1.25,
    val_acc: 0.75,
    seconds: 1.25,
    examples_per_second: 768,
  },
];

describe('training log', () => {
  it('orders columns: epoch, training, validation, lr, seconds, examples/s', () => {
    expect(logColumns(records)).toEqual([
      'epoch',
      'loss',
      'acc',
      'val_loss',
      'val_acc',
      'lr',
      'seconds',
      'examples_per_second',
    ]);
  });

  it('JSON Lines: one parseable object per epoch, NaN as null', () => {
    const lines = renderJsonl(records).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(first).toEqual({
      epoch: 1,
      loss: 2,
      acc: 0.25,
      val_loss: null,
      val_acc: 0.5,
      lr: 0.1,
      seconds: 1.5,
      examples_per_second: 640,
    });
    expect(Object.keys(first)[3]).toBe('val_loss');
    expect(JSON.parse(lines[1])).toMatchObject({ epoch: 2, val_loss: 1.25 });
  });

  it('CSV: a header, one row per epoch, NaN spelt out, missing fields empty', () => {
    const csv = renderCsv([...records, { epoch: 3, loss: Infinity }]);
    expect(csv).toBe(
      [
        'epoch,loss,acc,val_loss,val_acc,lr,seconds,examples_per_second',
        '1,2,0.25,NaN,0.5,0.1,1.5,640',
        '2,1,0.5,1.25,0.75,0.05,1.25,768',
        '3,Infinity,,,,,,',
        '',
      ].join('\n'),
    );
  });

  it('writes by extension, replacing the file whole', async () => {
    expect(logFormat('run/LOG.CSV')).toBe('csv');
    expect(logFormat('run/log.jsonl')).toBe('jsonl');
    const dir = await mkdtemp(join(tmpdir(), 'netc-log-'));
    try {
      await writeTrainingLog(join(dir, 'log.csv'), records.slice(0, 1));
      await writeTrainingLog(join(dir, 'log.csv'), records);
      const text = await readFile(join(dir, 'log.csv'), 'utf8');
      expect(text.trim().split('\n')).toHaveLength(3);
      await writeTrainingLog(join(dir, 'log.jsonl'), records);
      expect((await readFile(join(dir, 'log.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
      expect((await readdir(dir)).sort()).toEqual(['log.csv', 'log.jsonl']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
