import { foldingPass, targetLinear } from './foldable.js';

/** `scale(factor)` after a conv or dense with no activation: kernel and bias times the factor. */
export const foldScale = foldingPass({
  name: 'fold-scale',
  doc: 'Folds a constant `scale` into the kernel and bias of the conv or dense before it.',
  accepts: (node) => node.op === 'scale',
  fold(ctx, node, target) {
    const factor = node.attrs.factor as number;
    const name = target.name;
    const kernelName = targetLinear(target.op).kernel;
    // One factor for every output channel: every value of the kernel and bias.
    const times = (x: Float32Array) => Float32Array.from(x, (v) => v * factor);
    ctx.weights((w) => {
      const k = w.get(name, kernelName);
      w.set(name, kernelName, { shape: k.shape, data: times(k.data) });
      const b = w.find(name, 'bias');
      if (b) w.set(name, 'bias', { shape: b.shape, data: times(b.data) });
    });
  },
});
