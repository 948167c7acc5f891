/** The training progress line, driven with a fake clock. */
import { describe, expect, it } from 'vitest';
import { formatMetric, formatRate, formatSeconds, TrainingProgress } from '../../cli/progress.js';

function fakeIo(tty: boolean) {
  const out: string[] = [];
  const status: string[] = [];
  return {
    io: {
      out: (t: string) => void out.push(t),
      err: () => {},
      color: false,
      ...(tty ? { status: (t: string) => void status.push(t) } : {}),
    },
    out,
    status,
  };
}

describe('TrainingProgress', () => {
  it('redraws at most every 100 ms, always on the last batch, with examples/s and the time left', () => {
    let now = 0;
    const f = fakeIo(true);
    const p = new TrainingProgress(f.io, 3, 10, () => now);
    p.epochBegin(1);
    for (let b = 0; b < 10; b++) {
      now += 30;
      p.batchEnd(b, { batch: b, size: 4, loss: 1 / (b + 1), acc: 0.5 });
    }
    // Drawn at batches 1, 5, 9 (30, 150, 270 ms) and the last one (300 ms).
    expect(f.status).toHaveLength(4);
    expect(f.status[0]).toBe(
      // 4 examples in 30 ms: 133 ex/s; 9 batches left at 30 ms (0.27 s), then one more epoch of 0.3 s.
      '\r\x1b[Kepoch 2/3 [=>                  ] 1/10  loss 1.0000  acc 0.5000  133 ex/s  ETA 0.3s (run 0.6s)',
    );
    expect(f.status[3]).toBe(
      '\r\x1b[Kepoch 2/3 [====================] 10/10  loss 0.1000  acc 0.5000  133 ex/s  ETA 0.0s (run 0.3s)',
    );
    now += 5;
    p.epochEnd({ loss: 0.25, val_loss: 0.5, acc: 0.75, val_acc: 0.625 });
    expect(f.status[4]).toBe('\r\x1b[K');
    expect(f.out).toEqual([
      // 40 examples in 305 ms.
      'epoch 2/3  10/10  0.3s  131 ex/s  loss 0.2500  acc 0.7500  val_loss 0.5000  val_acc 0.6250',
    ]);
  });

  it('without a terminal: only the final lines', () => {
    const f = fakeIo(false);
    const p = new TrainingProgress(f.io, 1, 2, () => 0);
    p.epochBegin(0);
    p.batchEnd(0, { loss: 2 });
    p.batchEnd(1, { loss: 1 });
    // No batch sizes in the logs: no rate.
    p.epochEnd({ loss: 1.5 });
    p.clear();
    expect(f.status).toEqual([]);
    expect(f.out).toEqual(['epoch 1/1  2/2  0.0s  loss 1.5000']);
  });

  it('formats numbers and durations', () => {
    expect(formatMetric(0.123456)).toBe('0.1235');
    expect(formatMetric(0.00012)).toBe('1.20e-4');
    expect(formatMetric(0)).toBe('0.0000');
    expect(formatMetric(NaN)).toBe('NaN');
    expect(formatSeconds(9340)).toBe('9.3s');
    expect(formatSeconds(125_000)).toBe('2m05s');
    expect(formatSeconds(3_720_000)).toBe('1h02m');
    expect(formatRate(1234.4)).toBe('1234 ex/s');
    expect(formatRate(8.46)).toBe('8.5 ex/s');
  });
});
