/**
 * The page: reads a batch of inputs (`input.bin`: float32, [batch, 784]), asks the inference
 * worker to predict on the backend named by `?backend=` (default webgl), and prints the
 * predicted classes and the predict times. The result is also kept as `window.netcResult`.
 */
import type { PredictReply, PredictRequest } from './protocol.js';

const out = document.getElementById('out')!;
const backend = (new URLSearchParams(location.search).get('backend') ??
  'webgl') as PredictRequest['backend'];

async function main(): Promise<PredictReply> {
  const input = new Float32Array(await (await fetch('input.bin')).arrayBuffer());
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const reply = new Promise<PredictReply>((resolve) => {
    worker.onmessage = (e: MessageEvent<PredictReply>) => resolve(e.data);
    worker.onerror = (e) => resolve({ ok: false, error: e.message });
  });
  const request: PredictRequest = { backend, input, shape: [input.length / 784, 784], repeats: 10 };
  worker.postMessage(request, [input.buffer]);
  return reply;
}

const show = (r: PredictReply): string => {
  if (!r.ok) return `error: ${r.error}`;
  const classes = r.shape[1];
  const argmax = Array.from({ length: r.shape[0] }, (_, i) => {
    const row = r.output.subarray(i * classes, (i + 1) * classes);
    return row.indexOf(Math.max(...row));
  });
  const median = [...r.timesMs].sort((a, b) => a - b)[Math.floor(r.timesMs.length / 2)];
  return [
    `backend ${r.backend}: classes ${argmax.join(' ')}`,
    `predict: first ${r.firstMs.toFixed(1)} ms, then median ${median.toFixed(2)} ms (${r.timesMs.length} runs)`,
  ].join('\n');
};

main()
  .catch((e: unknown): PredictReply => ({ ok: false, error: String(e) }))
  .then((r) => {
    out.textContent = show(r);
    (window as unknown as { netcResult: unknown }).netcResult = r.ok
      ? { ...r, output: Array.from(r.output) }
      : r;
  });
