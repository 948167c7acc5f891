/**
 * Per-kernel wall time on a synchronous backend (wasm, cpu): every kernel registered for the
 * backend is re-registered behind a timer, and every gradient function's lazy input gradients
 * behind a label, so that a training step's time splits into `forward` and `grad of <Op>`, per
 * kernel. Only top-level kernel calls count (a composite kernel's inner ops are inside its own
 * time). For profiling benches only: it changes the registry of the running process.
 */
import * as tf from '@tensorflow/tfjs';

/** Time of one (context, kernel) pair, summed over the calls recorded. */
export interface KernelTime {
  /** `forward`, or `grad <Op>` for kernels run by the gradient of `<Op>`. */
  readonly context: string;
  readonly kernel: string;
  calls: number;
  ms: number;
}

/** The recorder that {@link instrumentKernels} installs. */
export interface KernelTimer {
  /** Clears the times recorded so far. */
  reset(): void;
  /** The times recorded since the last reset, largest first. */
  times(): KernelTime[];
}

/**
 * Wraps the kernels of `backendName` and all gradients with timers (once per process). With
 * `byShape`, each kernel's rows are split by the shapes of its inputs (named `kernel [shape]
 * [shape]`).
 */
export function instrumentKernels(backendName: string, byShape = false): KernelTimer {
  const table = new Map<string, KernelTime>();
  let depth = 0;
  let context = 'forward';
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    const kernelFunc: tf.KernelFunc = (args) => {
      if (depth > 0) return inner(args);
      depth++;
      const t0 = performance.now();
      try {
        return inner(args);
      } finally {
        const ms = performance.now() - t0;
        depth--;
        const kernel = byShape
          ? `${config.kernelName} ${Object.values(args.inputs)
              .map((t) => `[${t?.shape.join(',') ?? ''}]`)
              .join(' ')}`
          : config.kernelName;
        const key = `${context}\u0000${kernel}`;
        const row = table.get(key) ?? { context, kernel, calls: 0, ms: 0 };
        row.calls++;
        row.ms += ms;
        table.set(key, row);
      }
    };
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({ ...config, kernelFunc });
  }
  const kernelNames = new Set(
    Object.keys(tf.engine().registry).flatMap((b) =>
      tf.getKernelsForBackend(b).map((k) => k.kernelName),
    ),
  );
  for (const name of kernelNames) {
    const grad = tf.getGradient(name);
    if (!grad) continue;
    const gradFunc: tf.GradConfig['gradFunc'] = (dy, saved, attrs) => {
      const lazy = grad.gradFunc(dy, saved, attrs);
      const out: Record<string, () => tf.Tensor> = {};
      for (const [input, f] of Object.entries(lazy)) {
        out[input] = () => {
          const outer = context;
          context = `grad ${name}`;
          try {
            return f();
          } finally {
            context = outer;
          }
        };
      }
      return out;
    };
    tf.unregisterGradient(name);
    tf.registerGradient({ ...grad, gradFunc });
  }
  return {
    reset: () => table.clear(),
    times: () => [...table.values()].sort((a, b) => b.ms - a.ms),
  };
}
