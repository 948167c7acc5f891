/** Early stopping's bookkeeping on hand-made logs. */
import { describe, expect, it } from 'vitest';
import { EarlyStopping, parseEarlyStop } from '../../../runtime/train/early-stopping.js';

describe('parseEarlyStop', () => {
  it('takes the direction from the metric, or from the suffix', () => {
    expect(parseEarlyStop('val_loss:3')).toEqual({ metric: 'val_loss', patience: 3, mode: 'min' });
    expect(parseEarlyStop('val_accuracy:2')).toEqual({
      metric: 'val_accuracy',
      patience: 2,
      mode: 'max',
    });
    expect(parseEarlyStop('acc:1').mode).toBe('max');
    expect(parseEarlyStop('loss:4:max').mode).toBe('max');
  });

  it.each(['val_loss', 'val_loss:0', 'val_loss:x', ':3', 'val loss:3', 'loss:3:up', 'loss:-1'])(
    'rejects %j',
    (text) => {
      expect(() => parseEarlyStop(text)).toThrow(/is not METRIC:PATIENCE\[:min\|max\]/);
    },
  );
});

describe('EarlyStopping', () => {
  it('stops after PATIENCE epochs without a strict improvement (min)', () => {
    const s = new EarlyStopping(parseEarlyStop('val_loss:2'));
    const losses = [1.0, 0.8, 0.8, 0.7, 0.9, 0.75];
    const verdicts = losses.map((v, i) => s.update(i + 1, { loss: 9, val_loss: v }));
    // 0.8 again is no improvement; after 0.7 (epoch 4), two epochs without one stop it.
    expect(verdicts).toEqual(['improved', 'improved', 'waiting', 'improved', 'waiting', 'stop']);
    expect(s.bestEpoch).toBe(4);
    expect(s.bestValue).toBe(0.7);
    expect(s.describeStop()).toBe('val_loss did not improve for 2 epochs');
  });

  it('max mode; NaN never improves; the state survives a round trip', () => {
    const s = new EarlyStopping(parseEarlyStop('val_accuracy:3'));
    expect(s.update(1, { val_accuracy: NaN })).toBe('waiting');
    expect(s.bestValue).toBeUndefined();
    expect(s.update(2, { val_accuracy: 0.5 })).toBe('improved');
    expect(s.update(3, { val_accuracy: 0.4 })).toBe('waiting');
    const copy = new EarlyStopping(s.spec, JSON.parse(JSON.stringify(s.state)));
    expect(copy.update(4, { val_accuracy: 0.45 })).toBe('waiting');
    expect(copy.update(5, { val_accuracy: NaN })).toBe('stop');
    expect(copy.bestEpoch).toBe(2);
  });

  it('checks the metric is logged', () => {
    const s = new EarlyStopping(parseEarlyStop('val_loss:3'));
    expect(() => s.check(['loss', 'acc'])).toThrow(
      "--early-stopping watches 'val_loss', which this run does not log (validation figures need --validation-split or --val-x/--val-y); it logs loss, acc",
    );
    expect(() => s.check(['loss', 'val_loss'])).not.toThrow();
  });
});
