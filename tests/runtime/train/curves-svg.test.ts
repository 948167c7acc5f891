/**
 * The training curves (runtime/train/curves-svg.ts): a well-formed SVG document (every tag
 * closed in order, attributes quoted, text escaped), one polyline point per finite figure per
 * series, a break at a NaN, and axis labels that come from the data: the y ticks cover the
 * figures' range, the x ticks the epochs.
 */
import { describe, expect, it } from 'vitest';
import { niceTicks, renderCurves } from '../../../runtime/train/curves-svg.js';

/** Throws unless the tags nest properly; returns the element names in document order. */
function elements(svg: string): string[] {
  const body = svg.replace(/^<\?xml[^>]*\?>\n/, '');
  const stack: string[] = [];
  const names: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (close) {
      expect(stack.pop(), `</${name}>`).toBe(name);
    } else {
      names.push(name);
      if (!selfClose) stack.push(name);
    }
  }
  expect(stack).toEqual([]);
  // Nothing outside a tag but text: no stray '<' or '&' that is not an entity.
  const text = body.replace(/<[^>]*>/g, '');
  expect(text).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;|apos;)/);
  return names;
}

const points = (svg: string) =>
  [...svg.matchAll(/<polyline points="([^"]*)"[^>]*stroke="([^"]+)"/g)].map((m) => ({
    n: m[1].split(' ').length,
    color: m[2],
    ys: m[1].split(' ').map((p) => Number(p.split(',')[1])),
  }));

/** The y tick labels of a panel: text right-aligned left of the plot. */
const yLabels = (svg: string) =>
  [...svg.matchAll(/text-anchor="end"[^>]*>([^<]+)</g)].map((m) => Number(m[1]));

describe('renderCurves', () => {
  const records = [1, 2, 3, 4, 5, 6, 7].map((epoch) => ({
    epoch,
    loss: 2 / epoch,
    val_loss: 2.2 / epoch + 0.05,
    acc: 1 - 0.6 / epoch,
    val_acc: 1 - 0.7 / epoch,
  }));

  it('is a well-formed SVG with a loss and an accuracy panel, one point per epoch per series', () => {
    const svg = renderCurves(records, { model: 'net <a&b>' });
    const names = elements(svg);
    expect(names[0]).toBe('svg');
    expect(svg).toContain('<title>net &lt;a&amp;b&gt;: training curves, 7 epochs</title>');
    const lines = points(svg);
    expect(lines.map((l) => l.n)).toEqual([7, 7, 7, 7]);
    // The training loss falls: its y coordinates grow (SVG's y points down).
    expect(lines[0].ys).toEqual([...lines[0].ys].sort((a, b) => a - b));
    expect(svg.match(/>epoch</g)).toHaveLength(2);
    expect(svg).toContain('>Loss<');
    expect(svg).toContain('>Accuracy<');
  });

  it('labels the axes from the data: y ticks cover each panel, x ticks the epochs', () => {
    const svg = renderCurves(records, { model: 'm' });
    const labels = yLabels(svg);
    const losses = records.flatMap((r) => [r.loss, r.val_loss]);
    const accs = records.flatMap((r) => [r.acc, r.val_acc]);
    const lossTicks = niceTicks(Math.min(...losses), Math.max(...losses));
    const accTicks = niceTicks(Math.min(...accs), Math.max(...accs));
    expect(labels).toEqual([...lossTicks, ...accTicks]);
    expect(lossTicks[0]).toBeLessThanOrEqual(Math.min(...losses));
    expect(lossTicks.at(-1)).toBeGreaterThanOrEqual(Math.max(...losses));
    const xLabels = [...svg.matchAll(/text-anchor="middle" font-size="11"[^>]*>([^<]+)</g)].map(
      (m) => Number(m[1]),
    );
    expect(Math.min(...xLabels)).toBe(1);
    expect(Math.max(...xLabels)).toBeGreaterThanOrEqual(7);
  });

  it('a NaN breaks the line; a loss-only run has one panel; one epoch is a dot', () => {
    const broken = records.map((r, i) => ({ epoch: r.epoch, loss: i === 3 ? NaN : r.loss }));
    const svg = renderCurves(broken, { model: 'm' });
    elements(svg);
    expect(points(svg).map((l) => l.n)).toEqual([3, 3]);
    expect(svg).not.toContain('>Accuracy<');
    const one = renderCurves([{ epoch: 1, loss: 0.5 }], { model: 'm' });
    elements(one);
    expect(points(one)).toEqual([]);
    expect(one.match(/<circle /g)).toHaveLength(1);
  });
});
