/**
 * The training curves as an SVG picture (string building, no dependency): a loss panel
 * (training and validation) and, when the run logs an accuracy, an accuracy panel, side by
 * side under a title naming the model; each panel with ticks, grid lines, axis labels and a
 * legend. A NaN or infinite figure is left out, breaking its line there; a lone point is drawn
 * as a dot, so a 1-epoch run shows something.
 */

/** One epoch's figures (`loss`, `val_loss`, `acc`/`accuracy`, `val_acc`...), by key. */
export type CurveRecord = Readonly<Record<string, number | undefined>>;

export interface CurvesOptions {
  /** The model's name, for the title. */
  readonly model: string;
}

const PANEL_W = 460;
const HEIGHT = 400;
const MARGIN = { left: 64, right: 20, top: 86, bottom: 52 };
const TRAIN = { label: 'training', color: '#1f77b4', dash: '' };
const VAL = { label: 'validation', color: '#ff7f0e', dash: '7 4' };
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** Round tick values covering [min, max]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, target = 5, integer = false): number[] {
  if (!(max > min)) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = [min - pad, max + pad];
  }
  const rough = (max - min) / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

function tickLabel(v: number, step: number): string {
  if (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4)) return v.toExponential(1);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(decimals, 8));
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);

interface Series {
  readonly style: typeof TRAIN;
  readonly values: readonly (number | undefined)[];
}

/** One panel at horizontal offset `x0`. */
function panel(
  x0: number,
  title: string,
  yLabel: string,
  epochs: readonly number[],
  series: readonly Series[],
): string {
  const left = x0 + MARGIN.left;
  const right = x0 + PANEL_W - MARGIN.right;
  const top = MARGIN.top;
  const bottom = HEIGHT - MARGIN.bottom;
  const finite = series.flatMap((s) =>
    s.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
  );
  const yTicks = finite.length
    ? niceTicks(Math.min(...finite), Math.max(...finite))
    : niceTicks(0, 1);
  const [yMin, yMax] = [yTicks[0], yTicks[yTicks.length - 1]];
  const n = epochs.length;
  const xTicks =
    n > 1
      ? niceTicks(epochs[0], epochs[n - 1], 6, true).filter((t) => t >= epochs[0])
      : [epochs[0] ?? 1];
  const [xMin, xMax] =
    n > 1
      ? [epochs[0], Math.max(epochs[n - 1], xTicks[xTicks.length - 1])]
      : [xTicks[0] - 0.5, xTicks[0] + 0.5];
  const sx = (e: number) => left + ((e - xMin) / (xMax - xMin)) * (right - left);
  const sy = (v: number) => bottom - ((v - yMin) / (yMax - yMin)) * (bottom - top);
  const parts: string[] = [];
  parts.push(
    `<text x="${fmt((left + right) / 2)}" y="${top - 44}" text-anchor="middle" font-size="15" font-weight="bold" ${FONT}>${escapeXml(title)}</text>`,
  );
  const yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  for (const t of yTicks) {
    const y = fmt(sy(t));
    parts.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e3e3e3"/>`);
    parts.push(
      `<text x="${left - 6}" y="${y}" dy="0.32em" text-anchor="end" font-size="11" fill="#444" ${FONT}>${tickLabel(t, yStep)}</text>`,
    );
  }
  for (const t of xTicks) {
    if (t > xMax) continue;
    const x = fmt(sx(t));
    parts.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#444"/>`);
    parts.push(
      `<text x="${x}" y="${bottom + 18}" text-anchor="middle" font-size="11" fill="#444" ${FONT}>${t}</text>`,
    );
  }
  parts.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#444"/>`,
  );
  parts.push(
    `<text x="${fmt((left + right) / 2)}" y="${HEIGHT - 12}" text-anchor="middle" font-size="12" ${FONT}>epoch</text>`,
  );
  const cy = fmt((top + bottom) / 2);
  parts.push(
    `<text x="${x0 + 16}" y="${cy}" text-anchor="middle" font-size="12" transform="rotate(-90 ${x0 + 16} ${cy})" ${FONT}>${escapeXml(yLabel)}</text>`,
  );
  const markers = n <= 40;
  series.forEach(({ style, values }, i) => {
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) {
        parts.push(
          `<polyline points="${run.join(' ')}" fill="none" stroke="${style.color}" stroke-width="2"${dash} stroke-linejoin="round"/>`,
        );
      }
      run = [];
    };
    values.forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return flush();
      const [x, y] = [fmt(sx(epochs[k])), fmt(sy(v))];
      run.push(`${x},${y}`);
      const alone =
        !Number.isFinite(values[k - 1] ?? NaN) && !Number.isFinite(values[k + 1] ?? NaN);
      if (markers || alone)
        parts.push(`<circle cx="${x}" cy="${y}" r="${alone ? 3.5 : 2.5}" fill="${style.color}"/>`);
    });
    flush();
    // The legend, above the plot.
    const lx = left + i * 110;
    const ly = top - 16;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${style.color}" stroke-width="2"${dash}/>`,
    );
    parts.push(
      `<text x="${lx + 32}" y="${ly}" dy="0.32em" font-size="12" ${FONT}>${style.label}</text>`,
    );
  });
  return parts.join('\n');
}

/** The first of `keys` that some record holds. */
const pick = (records: readonly CurveRecord[], keys: readonly string[]) =>
  keys.find((k) => records.some((r) => typeof r[k] === 'number'));

/** The SVG document of the curves of `records` (one per epoch, in order). */
export function renderCurves(records: readonly CurveRecord[], options: CurvesOptions): string {
  const epochs = records.map((r, i) => r.epoch ?? i + 1);
  const panels: [string, string, Series[]][] = [];
  const series = (keys: (string | undefined)[]): Series[] =>
    keys.flatMap((k, i) =>
      k === undefined ? [] : [{ style: i === 0 ? TRAIN : VAL, values: records.map((r) => r[k]) }],
    );
  panels.push(['Loss', 'loss', series(['loss', pick(records, ['val_loss'])])]);
  const acc = pick(records, ['acc', 'accuracy']);
  const valAcc = pick(records, ['val_acc', 'val_accuracy']);
  if (acc !== undefined || valAcc !== undefined) {
    panels.push(['Accuracy', 'accuracy', series([acc ?? 'acc', valAcc])]);
  }
  const width = PANEL_W * panels.length;
  const n = records.length;
  const title = `${options.model}: training curves, ${n} epoch${n === 1 ? '' : 's'}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" ${FONT}>${escapeXml(title)}</text>`,
    ...panels.map(([t, y, s], i) => panel(i * PANEL_W, t, y, epochs, s)),
    `</svg>`,
    '',
  ].join('\n');
}
