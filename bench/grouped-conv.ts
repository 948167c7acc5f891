/**
 * Grouped 3x3 convolution formulations on a tfjs backend, batch 1:
 * `npx tsx bench/grouped-conv.ts [wasm|cpu] [h,cin,cout,groups]`
 * (default: a ResNeXt stage-2 conv, 56x56x128 -> 128, groups 32). Results: layers/README.md.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../runtime/backend.js';
import { groupedConv2dDepthwise, groupedConvFormulation } from '../runtime/layers/conv.js';

const backend = (process.argv[2] ?? 'wasm') as BackendName;
const [H, C, CO, G] = (process.argv[3] ?? '56,128,128,32').split(',').map(Number);
await initBackend(backend);
const K = 3;
const cg = C / G;
const og = CO / G;
const x = tf.randomNormal([1, H, H, C]) as tf.Tensor4D;
const w = tf.randomNormal([K, K, cg, CO]) as tf.Tensor4D;

// (a) per-group channel slices, one tf.conv2d each, concatenated.
const wSlices = tf.split(w, G, 3) as tf.Tensor4D[];
const sliced = (t: tf.Tensor4D) =>
  tf.tidy(() =>
    tf.concat(
      (tf.split(t, G, 3) as tf.Tensor4D[]).map((xi, g) => tf.conv2d(xi, wSlices[g], 1, 'same')),
      3,
    ),
  );
// (b) depthwise with multiplier cout / groups, then a sum within each group.
const depthwise = (t: tf.Tensor4D) =>
  tf.tidy(() => groupedConv2dDepthwise(t, w, G, [1, 1], 'same', [1, 1]));
// (c) one dense conv with a block-diagonal kernel (groups x the MACs).
const dense = tf.tidy(() => {
  const blocks = wSlices.map((ws, g) =>
    tf.pad(ws, [
      [0, 0],
      [0, 0],
      [g * cg, C - (g + 1) * cg],
      [0, 0],
    ]),
  );
  return tf.concat(blocks, 3) as tf.Tensor4D;
});
const blockDiagonal = (t: tf.Tensor4D) => tf.conv2d(t, dense, 1, 'same');
// (d) im2col from 9 shifted slices, then one batched matMul over the groups.
const wG = tf.tidy(
  () =>
    tf
      .reshape(w, [K * K, cg, G, og])
      .transpose([2, 0, 1, 3])
      .reshape([G, K * K * cg, og]) as tf.Tensor3D,
);
const im2col = (t: tf.Tensor4D) =>
  tf.tidy(() => {
    const p = tf.pad(t, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < K; i++)
      for (let j = 0; j < K; j++) taps.push(tf.slice(p, [0, i, j, 0], [1, H, H, C]));
    const cols = tf
      .stack(taps, 3)
      .reshape([H * H, K * K, G, cg])
      .transpose([2, 0, 1, 3])
      .reshape([G, H * H, K * K * cg]) as tf.Tensor3D;
    return tf.matMul(cols, wG).transpose([1, 0, 2]).reshape([1, H, H, CO]);
  });

const ref = sliced(x);
const runs: [string, (t: tf.Tensor4D) => tf.Tensor][] = [
  ['(a) slice + conv2d + concat', sliced],
  ['(b) depthwise + group sum', depthwise],
  ['(c) block-diagonal dense conv', blockDiagonal],
  ['(d) im2col + batched matMul', im2col],
];
console.log(`${backend}: ${H}x${H}x${C} -> ${CO}, 3x3, groups ${G}, batch 1`);
for (const [name, f] of runs) {
  const y = f(x);
  const err = tf.max(tf.abs(tf.sub(y, ref))).dataSync()[0];
  y.dispose();
  for (let i = 0; i < 3; i++) f(x).dataSync();
  const n = 20;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const out = f(x);
    out.dataSync();
    out.dispose();
  }
  const ms = (performance.now() - t0) / n;
  console.log(`${name}: ${ms.toFixed(1)} ms/forward (max |diff| vs (a) ${err.toExponential(1)})`);
}
console.log(`netc picks: ${groupedConvFormulation(backend, cg, og)}`);
