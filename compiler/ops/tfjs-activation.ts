import type { TfjsActivation } from './op.js';

/** The tfjs class name of netc's `hard_sigmoid` (Keras 3: `clip(x / 6 + 0.5)`), runtime/layers. */
export const HARD_SIGMOID_CLASS = 'netc_hard_sigmoid';

/** netc activation names whose tfjs identifier differs. */
const renamed: Record<string, string> = { hard_sigmoid: HARD_SIGMOID_CLASS };

/** The tfjs activation identifier for a netc activation name (`linear`, `relu`, `gelu`...). */
export function tfjsActivation(name: string): TfjsActivation {
  return (renamed[name] ?? name) as TfjsActivation;
}
