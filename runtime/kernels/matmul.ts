import * as tf from '@tensorflow/tfjs';

/**
 * BatchMatMul for wasm on XNNPACK whenever it can be: tfjs-backend-wasm 4.22 runs a matMul on
 * XNNPACK's threaded GEMM only without transposes and at batch 1, and otherwise on a naive
 * single-threaded loop, which is what every dense layer's gradient (`x^T dy`, `dy w^T`) hits.
 * This kernel transposes the operands first (the backend's Transpose), folds a batch of `a`
 * against one `b` into the rows, and runs other batches one matrix at a time, each on the
 * backend's own kernel at batch 1.
 */
export function fastBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  const transposeKernel = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
  const reshapeKernel = tf.getKernel('Reshape', 'wasm')!.kernelFunc;
  const sliceKernel = tf.getKernel('Slice', 'wasm')!.kernelFunc;
  const concatKernel = tf.getKernel('Concat', 'wasm')!.kernelFunc;
  return (args) => {
    const { inputs, backend, attrs } = args;
    const a = inputs.a as tf.TensorInfo;
    const b = inputs.b as tf.TensorInfo;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const batchA = a.shape.slice(0, -2).reduce((p, n) => p * n, 1);
    const batchB = b.shape.slice(0, -2).reduce((p, n) => p * n, 1);
    if (!transposeA && !transposeB && batchA === 1 && batchB === 1) return original(args);
    const batch = Math.max(batchA, batchB);
    // Beyond this many matrices the per-matrix calls cost more than the naive loop saves.
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) return original(args);
    if (batch > 64 && !(batchB === 1)) return original(args);
    const temps: tf.TensorInfo[] = [];
    const run = (name: tf.KernelFunc, inp: tf.NamedTensorInfoMap, at: object): tf.TensorInfo => {
      const out = name({ inputs: inp, backend, attrs: at as tf.NamedAttrMap }) as tf.TensorInfo;
      temps.push(out);
      return out;
    };
    const to3d = (t: tf.TensorInfo, n: number): tf.TensorInfo =>
      run(reshapeKernel, { x: t }, { shape: [n, ...t.shape.slice(-2)] });
    const transposed = (t: tf.TensorInfo): tf.TensorInfo =>
      run(transposeKernel, { x: t }, { perm: [0, 2, 1] });
    try {
      let a3 = to3d(a, batchA);
      let b3 = to3d(b, batchB);
      if (transposeA) a3 = transposed(a3);
      if (transposeB) b3 = transposed(b3);
      const [, m, k] = a3.shape;
      const n = b3.shape[2];
      const outShape = [
        ...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
        m,
        n,
      ];
      const mm = (x: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo =>
        run(original, { a: x, b: y }, { transposeA: false, transposeB: false });
      let out: tf.TensorInfo;
      if (batchB === 1) {
        const a1 = run(reshapeKernel, { x: a3 }, { shape: [1, batchA * m, k] });
        out = mm(a1, b3);
      } else {
        const parts: tf.TensorInfo[] = [];
        for (let i = 0; i < batch; i++) {
          const ai =
            batchA === 1 ? a3 : run(sliceKernel, { x: a3 }, { begin: [i, 0, 0], size: [1, m, k] });
          const bi = run(sliceKernel, { x: b3 }, { begin: [i, 0, 0], size: [1, k, n] });
          parts.push(mm(ai, bi));
        }
        out =
          parts.length === 1
            ? parts[0]
            : run(concatKernel, parts as unknown as tf.NamedTensorInfoMap, { axis: 0 });
      }
      const result = reshapeKernel({
        inputs: { x: out },
        backend,
        attrs: { shape: outShape },
      }) as tf.TensorInfo;
      return result;
    } finally {
      for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
    }
  };
}
