/**
 * The optimizers of `netc train`, each a `tf.Optimizer` whose learning rate can change between
 * steps (for a schedule): plain SGD, SGD with momentum (heavy-ball or Nesterov, tfjs's
 * `MomentumOptimizer`, whose update is PyTorch's `SGD(momentum=m, dampening=0)`), Adam
 * (tfjs's), and AdamW, which tfjs lacks: Adam with decoupled weight decay as PyTorch's
 * `torch.optim.AdamW` does it, `w <- w - lr * wd * w` and then the Adam step on the gradient
 * alone. Like PyTorch, every weight the optimizer updates decays (kernels, biases, batch norm
 * scales) unless a `decays` filter says otherwise. RMSprop is tfjs's (TensorFlow's rule: the
 * epsilon inside the root, the learning rate inside the momentum), with TensorFlow's defaults.
 */
import * as tf from '@tensorflow/tfjs';

/** The optimizers by name. */
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** What builds an optimizer; the defaults are PyTorch's except Adam's epsilon (see below). */
export interface OptimizerSpec {
  readonly name: OptimizerName;
  /** The initial learning rate (a schedule changes it through `setLearningRate`). */
  readonly lr: number;
  /** sgd, rmsprop: the momentum factor in [0, 1) (default 0: plain SGD, RMSprop without). */
  readonly momentum?: number;
  /** sgd with momentum: Nesterov's variant (default false). */
  readonly nesterov?: boolean;
  /** adam, adamw: the moments' decay rates (default 0.9 and 0.999). */
  readonly beta1?: number;
  readonly beta2?: number;
  /**
   * adam, adamw: added to the root of the second moment (default: adam the backend's epsilon,
   * 1e-7, as `tf.train.adam`; adamw 1e-8, as PyTorch).
   */
  readonly epsilon?: number;
  /** rmsprop: the decay of the mean square (default 0.9, TensorFlow's rho). */
  readonly rho?: number;
  /** adamw: the decoupled weight decay (default 0.01, PyTorch's). */
  readonly weightDecay?: number;
  /** adamw: which variables decay, by tfjs variable name (default: all, as PyTorch). */
  readonly decays?: (variableName: string) => boolean;
}

/** A `tf.Optimizer` whose learning rate can be read and changed between steps. */
export interface TrainingOptimizer {
  /** What the training loop steps (`minimize`, `applyGradients`, `getWeights`...). */
  readonly optimizer: tf.Optimizer;
  /** The learning rate the next step uses. */
  readonly learningRate: number;
  setLearningRate(lr: number): void;
  /** `adamw lr 0.001 weight decay 0.01`, for the report. */
  describe(): string;
  dispose(): void;
}

/** What `applyGradients` takes: gradients by variable name, as a map or a list. */
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** tfjs's Adam with a settable learning rate (its step reads `this.learningRate` each time). */
class ScheduledAdam extends tf.AdamOptimizer {
  constructor(lr: number, beta1: number, beta2: number, epsilon?: number) {
    super(lr, beta1, beta2, epsilon);
  }
  get lr(): number {
    return this.learningRate;
  }
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

/** tfjs's RMSprop with a settable learning rate (its step reads `this.learningRate`). */
class ScheduledRmsprop extends tf.RMSPropOptimizer {
  get lr(): number {
    return this.learningRate;
  }
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

/** Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's `AdamW` update. */
export class AdamW extends ScheduledAdam {
  static override get className(): string {
    return 'AdamW';
  }

  constructor(
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    readonly weightDecay: number,
    private readonly decays: (variableName: string) => boolean = () => true,
  ) {
    super(lr, beta1, beta2, epsilon);
  }

  override applyGradients(gradients: Gradients): void {
    const named = Array.isArray(gradients)
      ? gradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(gradients);
    const factor = 1 - this.lr * this.weightDecay;
    if (factor !== 1) {
      tf.tidy(() => {
        for (const [name, gradient] of named) {
          // As PyTorch: only weights that get a gradient in this step decay.
          if (gradient == null || !this.decays(name)) continue;
          const w = tf.engine().registeredVariables[name];
          w.assign(tf.mul(w, factor));
        }
      });
    }
    super.applyGradients(gradients);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

class Sgd implements TrainingOptimizer {
  readonly optimizer: tf.SGDOptimizer;
  private lr: number;
  constructor(
    lr: number,
    private readonly momentum: number,
    private readonly nesterov: boolean,
  ) {
    this.lr = lr;
    this.optimizer = momentum > 0 ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
  }
  get learningRate(): number {
    return this.lr;
  }
  setLearningRate(lr: number): void {
    this.lr = lr;
    this.optimizer.setLearningRate(lr);
  }
  describe(): string {
    const m =
      this.momentum > 0 ? ` momentum ${this.momentum}${this.nesterov ? ' nesterov' : ''}` : '';
    return `sgd lr ${this.lr}${m}`;
  }
  dispose(): void {
    this.optimizer.dispose();
  }
}

class AdamFamily implements TrainingOptimizer {
  constructor(
    readonly optimizer: ScheduledAdam | ScheduledRmsprop,
    private readonly label: string,
    private readonly extra = '',
  ) {}
  get learningRate(): number {
    return this.optimizer.lr;
  }
  setLearningRate(lr: number): void {
    this.optimizer.setLearningRate(lr);
  }
  describe(): string {
    // Not `instanceof AdamW`: tfjs's Optimizer makes every optimizer an instance of each.
    const decay =
      this.label === 'adamw' ? ` weight decay ${(this.optimizer as AdamW).weightDecay}` : '';
    return `${this.label} lr ${this.learningRate}${decay}${this.extra}`;
  }
  dispose(): void {
    this.optimizer.dispose();
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`optimizer: ${what}`);
}

/** Builds the optimizer `spec` names; throws a RangeError on a value out of range. */
export function createOptimizer(spec: OptimizerSpec): TrainingOptimizer {
  const { lr, momentum = 0, nesterov = false, beta1 = 0.9, beta2 = 0.999 } = spec;
  check(Number.isFinite(lr) && lr > 0, `the learning rate must be positive, not ${lr}`);
  if (spec.name === 'sgd') {
    check(momentum >= 0 && momentum < 1, `momentum must be in [0, 1), not ${momentum}`);
    check(!nesterov || momentum > 0, 'Nesterov momentum needs a momentum above 0');
    return new Sgd(lr, momentum, nesterov);
  }
  if (spec.name === 'rmsprop') {
    const rho = spec.rho ?? 0.9;
    check(rho >= 0 && rho < 1, `rho must be in [0, 1), not ${rho}`);
    check(momentum >= 0 && momentum < 1, `momentum must be in [0, 1), not ${momentum}`);
    const rms = new ScheduledRmsprop(lr, rho, momentum, spec.epsilon);
    return new AdamFamily(rms, 'rmsprop', momentum > 0 ? ` momentum ${momentum}` : '');
  }
  check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, 'betas must be in [0, 1)');
  if (spec.name === 'adam')
    return new AdamFamily(new ScheduledAdam(lr, beta1, beta2, spec.epsilon), 'adam');
  const wd = spec.weightDecay ?? 0.01;
  check(Number.isFinite(wd) && wd >= 0, `weight decay must be 0 or more, not ${wd}`);
  const adamw = new AdamW(lr, beta1, beta2, spec.epsilon ?? 1e-8, wd, spec.decays);
  return new AdamFamily(adamw, 'adamw');
}
