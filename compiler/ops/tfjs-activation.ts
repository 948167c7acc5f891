import type { TfjsActivation } from './op.js';

/** The tfjs class name of netc's `hard_sigmoid` (Keras 3: `clip(x / 6 + 0.5)`), runtime/layers. */
export const HARD_SIGMOID_CLASS = 'netc_hard_sigmoid';

/** The tfjs class name of netc's `hard_swish` (`x * relu6(x + 3) / 6`), runtime/layers. */
export const HARD_SWISH_CLASS = 'netc_hard_swish';

/** netc activation names whose tfjs identifier differs. */
const renamed: Record<string, string> = {
  hard_sigmoid: HARD_SIGMOID_CLASS,
  hard_swish: HARD_SWISH_CLASS,
};

/** The tfjs activation identifier for a netc activation name (`linear`, `relu`, `gelu`...). */
export function tfjsActivation(name: string): TfjsActivation {
  return (renamed[name] ?? name) as TfjsActivation;
}
