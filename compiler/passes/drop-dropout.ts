import type { Pass } from './pass.js';

/** Dropout is the identity at inference: its readers read its input. */
export const dropDropout: Pass = {
  name: 'drop-dropout',
  doc: 'Removes dropout, the identity at inference.',
  run({ graph }) {
    let n = 0;
    for (const node of graph.all()) {
      if (node.op !== 'dropout') continue;
      graph.bypass(node.id, node.inputs[0]);
      n++;
    }
    return n;
  },
};
