/**
 * Where one training step's time goes on wasm: LeNet-BN (batch 256), the ECG ResNet (32) and
 * D2L ResNet-18 at 96x96 (32), each trained with SGD on random data through `trainOnBatch`,
 * every kernel timed (bench/lib/kernel-timer.ts). Prints, per model, the milliseconds per step of
 * the kernels and gradients that take the most, as markdown.
 *
 *   npx tsx bench/training-profile.ts [--steps N] [--models lenet_bn,ecg_resnet] [--top N] [--by-shape]
 *
 * `--by-shape` splits each kernel's rows by the shapes of its inputs.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { packageRoot } from '../compiler/package-root.js';
import { initBackend } from '../api/index.js';
import { instrumentKernels } from './lib/kernel-timer.js';
import { randomBatch, TRAINING_SPECS, trainingModel } from './lib/training-models.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '2' },
    models: { type: 'string', default: TRAINING_SPECS.map((s) => s.key).join(',') },
    top: { type: 'string', default: '12' },
    backend: { type: 'string', default: 'wasm' },
    'by-shape': { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
const top = Number(values.top);
const backend = values.backend === 'cpu' ? 'cpu' : 'wasm';
const status = await initBackend(backend);
const timer = instrumentKernels(backend, values['by-shape']);
const root = packageRoot();

console.log(`Backend ${status.name}, ${status.threads} threads; ${steps} steps after 1 warm-up.\n`);
for (const spec of TRAINING_SPECS.filter((s) => values.models.split(',').includes(s.key))) {
  const model = await trainingModel(root, spec, 0.01);
  const [x, y] = randomBatch(spec);
  await model.trainOnBatch(x, y);
  timer.reset();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const stepMs = (performance.now() - t0) / steps;
  const times = timer.times();
  const kernelMs = times.reduce((s, t) => s + t.ms, 0) / steps;
  const byContext = new Map<string, number>();
  for (const t of times) byContext.set(t.context, (byContext.get(t.context) ?? 0) + t.ms / steps);
  console.log(`### ${spec.title}, batch ${spec.batch}\n`);
  console.log(
    `Step ${stepMs.toFixed(0)} ms, of which kernels ${kernelMs.toFixed(0)} ms.\n\n` +
      '| where | kernel | calls/step | ms/step | share |\n| --- | --- | ---: | ---: | ---: |',
  );
  for (const t of times.slice(0, top))
    console.log(
      `| ${t.context} | ${t.kernel} | ${t.calls / steps} | ${(t.ms / steps).toFixed(1)} | ` +
        `${((100 * t.ms) / steps / stepMs).toFixed(1)}% |`,
    );
  console.log('\nBy gradient (all kernels):\n\n| where | ms/step | share |\n| --- | ---: | ---: |');
  for (const [ctx, ms] of [...byContext].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`| ${ctx} | ${ms.toFixed(1)} | ${((100 * ms) / stepMs).toFixed(1)}% |`);
  console.log('');
  tf.dispose([x, y]);
  model.dispose();
}
