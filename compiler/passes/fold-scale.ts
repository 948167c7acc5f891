import { scaleChannels } from './fold-batch-norm.js';
import { foldingPass, outputKernel } from './foldable.js';

/** `scale(factor)` after a conv or dense with no activation: kernel and bias times the factor. */
export const foldScale = foldingPass({
  name: 'fold-scale',
  doc: 'Folds a constant `scale` into the kernel and bias of the conv or dense before it.',
  accepts: (node) => node.op === 'scale',
  fold(ctx, node, target) {
    const factor = node.attrs.factor as number;
    const name = target.name;
    const kernelName = outputKernel(target.op);
    ctx.weights((w) => {
      const k = w.get(name, kernelName);
      const times = (x: Float32Array) => scaleChannels(x, [factor]);
      w.set(name, kernelName, { shape: k.shape, data: times(k.data) });
      const b = w.find(name, 'bias');
      if (b) w.set(name, 'bias', { shape: b.shape, data: times(b.data) });
    });
  },
});
